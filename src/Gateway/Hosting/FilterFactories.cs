using Gateway.Cli;
using Gateway.Filters;
using Gateway.Filters.HealthCheck;
using Gateway.Filters.Router;
using Gateway.Filters.Wasm;

namespace Gateway.Hosting;

/// <summary>The HTTP filters this gateway implements natively.</summary>
public static class FilterFactories
{
    public static IReadOnlyList<IHttpFilterFactory> Create(GatewayOptions options) =>
    [
        // Runs the plugin's .wasm when it exists; serves http-call natively when it does not.
        new WasmFilterFactory(options.NativePlugins),
        new HealthCheckFilterFactory(),
        new RouterFilterFactory(),
    ];
}
