using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Routing;

/// <summary>
/// The <c>grpc: {}</c> route matcher over real sockets: a route with it matches only when content-type is
/// application/grpc or application/grpc+... (Envoy's Grpc::Common::isGrpcRequestHeaders), so gRPC-Web and
/// other requests fall through to the next route.
/// </summary>
public sealed class GrpcRouteMatchTests
{
    // Forwarded (not direct responses, which a gRPC request gets as a gRPC local reply): the rewrite shows the route.
    private const string Routes = """
        - match: { prefix: "/", grpc: {} }
          route: { cluster: echo, prefix_rewrite: "/grpc/" }
        - match: { prefix: "/" }
          route: { cluster: echo, prefix_rewrite: "/other/" }
        """;

    [Theory]
    [InlineData("content-type: application/grpc\r\n", "grpc")]
    [InlineData("content-type: application/grpc+proto\r\n", "grpc")]
    [InlineData("content-type: application/grpc-web\r\n", "other")]
    [InlineData("content-type: application/grpc;charset=utf-8\r\n", "other")]
    [InlineData("content-type: Application/GRPC\r\n", "other")]
    [InlineData("content-type: application/json\r\n", "other")]
    [InlineData("", "other")]
    public async Task Only_grpc_content_types_match(string contentType, string expected)
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(Routes, EnvoyYaml.StaticCluster("echo", upstream.Port)));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "POST /pkg.Service/Method HTTP/1.1\r\nHost: a\r\n" + contentType + "content-length: 0\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("/" + expected + "/pkg.Service/Method", response.Header("x-seen-target"));
    }
}
