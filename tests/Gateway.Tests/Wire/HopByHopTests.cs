using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>What reaches the upstream of the connection-level headers, as Envoy forwards them.</summary>
public class HopByHopTests
{
    private static string Yaml(int upstreamPort) => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort));

    [Fact]
    public async Task ConnectionHeadersAreNotForwardedAndTeIsCutToTrailers()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, x-private\r\nx-private: secret\r\nKeep-Alive: timeout=5\r\n" +
            "Proxy-Connection: keep-alive\r\nTE: gzip, trailers\r\nx-kept: yes\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.True(EchoUpstream.SeenHeader(response, "x-private") is null, response.ToString());
        Assert.Null(EchoUpstream.SeenHeader(response, "keep-alive"));
        Assert.Null(EchoUpstream.SeenHeader(response, "proxy-connection"));
        Assert.Equal("trailers", EchoUpstream.SeenHeader(response, "te"));
        Assert.Equal("yes", EchoUpstream.SeenHeader(response, "x-kept"));
    }

    [Fact]
    public async Task ExpectContinueIsAnsweredByTheGatewayAndNotForwarded()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        var interim = await connection.ReadResponseAsync();
        Assert.Equal(100, interim.Status);
        await connection.SendAsync("abc");
        var response = await connection.ReadResponseAsync();
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("abc", response.Body);
        Assert.Null(EchoUpstream.SeenHeader(response, "expect"));
    }

    [Fact]
    public async Task AnUpgradeNoUpgradeConfigAllowsIsForbidden()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: custom-proto\r\n\r\n");
        Assert.True(response.Status == 403, response.ToString());
        Assert.Equal("envoy", response.Header("server"));
        // h2c upgrades are dropped by Envoy's codec: the request is served as plain HTTP/1.1.
        response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Null(EchoUpstream.SeenHeader(response, "upgrade"));
        Assert.Null(EchoUpstream.SeenHeader(response, "http2-settings"));
    }
}
