using Gateway.Cli;
using Gateway.Filters;
using Gateway.Filters.Buffer;
using Gateway.Filters.Compressor;
using Gateway.Filters.Csrf;
using Gateway.Filters.Decompressor;
using Gateway.Filters.GrpcWeb;
using Gateway.Filters.HeaderMutation;
using Gateway.Filters.HealthCheck;
using Gateway.Filters.HttpCall;
using Gateway.Filters.Rbac;
using Gateway.Filters.Router;

namespace Gateway.Hosting;

/// <summary>The HTTP filters this gateway implements natively.</summary>
public static class FilterFactories
{
    public static IReadOnlyList<IHttpFilterFactory> Create(GatewayOptions options) =>
    [
        new HttpCallFilterFactory(options.NativePlugins),
        new HealthCheckFilterFactory(),
        new CompressorFilterFactory(),
        new DecompressorFilterFactory(),
        new BufferFilterFactory(),
        new HeaderMutationFilterFactory(),
        new CsrfFilterFactory(),
        new RbacFilterFactory(),
        new GrpcWebFilterFactory(),
        new RouterFilterFactory(),
    ];
}
