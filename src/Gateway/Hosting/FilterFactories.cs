using Gateway.Cli;
using Gateway.Filters;
using Gateway.Filters.Cors;
using Gateway.Filters.Fault;
using Gateway.Filters.HealthCheck;
using Gateway.Filters.HttpCall;
using Gateway.Filters.LocalRateLimit;
using Gateway.Filters.Router;

namespace Gateway.Hosting;

/// <summary>
/// The HTTP filters this gateway implements natively: adding a filter is its folder in Gateway.Filters
/// plus one line here. The router stays last (it ends the chain).
/// </summary>
public static class FilterFactories
{
    public static IReadOnlyList<IHttpFilterFactory> Create(GatewayOptions options) =>
    [
        new HttpCallFilterFactory(options.NativePlugins),
        new HealthCheckFilterFactory(),
        new CorsFilterFactory(),
        new LocalRateLimitFilterFactory(options.TimeProvider),
        new FaultFilterFactory(options.TimeProvider),
        .. options.AdditionalFilterFactories,
        new RouterFilterFactory(),
    ];
}
