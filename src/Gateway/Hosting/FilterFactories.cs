using Gateway.Cli;
using Gateway.Filters;
using Gateway.Filters.ExtAuthz;
using Gateway.Filters.RateLimit;
using Gateway.Filters.HealthCheck;
using Gateway.Filters.JwtAuthn;
using Gateway.Filters.Lua;
using Gateway.Filters.HttpCall;
using Gateway.Filters.Router;

namespace Gateway.Hosting;

/// <summary>The HTTP filters this gateway implements natively.</summary>
public static class FilterFactories
{
    public static IReadOnlyList<IHttpFilterFactory> Create(GatewayOptions options) =>
    [
        new HttpCallFilterFactory(options.NativePlugins),
        new HealthCheckFilterFactory(),
        new ExtAuthzFilterFactory(),
        new RateLimitFilterFactory(),
        new JwtAuthnFilterFactory(),
        new LuaFilterFactory(),
        new RouterFilterFactory(),
    ];
}
