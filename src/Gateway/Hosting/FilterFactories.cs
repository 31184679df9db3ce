using Gateway.Cli;
using Gateway.Filters.Buffer;
using Gateway.Filters.Compressor;
using Gateway.Filters.Cors;
using Gateway.Filters.Csrf;
using Gateway.Filters.Decompressor;
using Gateway.Filters.ExtAuthz;
using Gateway.Filters.Fault;
using Gateway.Filters.GrpcWeb;
using Gateway.Filters.HeaderMutation;
using Gateway.Filters.HealthCheck;
using Gateway.Filters.HttpCall;
using Gateway.Filters.JwtAuthn;
using Gateway.Filters.LocalRateLimit;
using Gateway.Filters.Lua;
using Gateway.Filters.RateLimit;
using Gateway.Filters.Rbac;
using Gateway.Filters.Router;
using Gateway.Filters.Wasm;
using Gateway.Filters;

namespace Gateway.Hosting;

/// <summary>
/// The HTTP filters this gateway implements natively: adding a filter is its folder in Gateway.Filters
/// plus one line here. The router stays last (it ends the chain).
/// </summary>
public static class FilterFactories
{
    public static IReadOnlyList<IHttpFilterFactory> Create(GatewayOptions options) =>
    [
        // Runs the plugin's .wasm when it exists; serves http-call natively when it does not.
        new WasmFilterFactory(options.NativePlugins),
        new HealthCheckFilterFactory(),
        new CorsFilterFactory(),
        new LocalRateLimitFilterFactory(options.TimeProvider),
        new FaultFilterFactory(options.TimeProvider),
        new CompressorFilterFactory(),
        new DecompressorFilterFactory(),
        new BufferFilterFactory(),
        new HeaderMutationFilterFactory(),
        new CsrfFilterFactory(),
        new RbacFilterFactory(),
        new GrpcWebFilterFactory(),
        new ExtAuthzFilterFactory(),
        new RateLimitFilterFactory(),
        new JwtAuthnFilterFactory(),
        new LuaFilterFactory(),
        .. options.AdditionalFilterFactories,
        new RouterFilterFactory(),
    ];
}
