using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>
/// Envoy's ActiveStream::encodeHeaders when the response goes out before the request is complete: the HCM counts
/// downstream_rq_response_before_rq_complete and closes an HTTP/1 connection after the response ("connection: close")
/// instead of waiting for the rest of a body nothing reads.
/// </summary>
public sealed class ResponseBeforeRequestCompleteTests
{
    private static string Yaml(int upstreamPort) => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/direct" }
          direct_response: { status: 201, body: { inline_string: "made" } }
        - match: { prefix: "/" }
          route: { cluster: echo }
        """, EnvoyYaml.StaticCluster("echo", upstreamPort));

    [Fact]
    public async Task A_direct_response_to_a_body_still_arriving_closes_the_connection_and_is_counted()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /direct HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npart");
        var response = await connection.ReadResponseAsync();
        Assert.Equal(201, response.Status);
        Assert.Equal("made", response.Body);
        Assert.Equal("close", response.Header("connection"));
        Assert.True(await connection.IsClosedAsync(10_000));
        Assert.Equal(1, (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.downstream_rq_response_before_rq_complete"));
    }

    [Fact]
    public async Task Responses_after_the_whole_request_keep_the_connection()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        // A GET answered directly, then a POST proxied once its body went upstream: both keep the connection.
        await connection.SendAsync("GET /direct HTTP/1.1\r\nHost: a\r\n\r\n");
        var direct = await connection.ReadResponseAsync();
        Assert.Equal(201, direct.Status);
        Assert.Null(direct.Header("connection"));
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody");
        var proxied = await connection.ReadResponseAsync();
        Assert.Equal(200, proxied.Status);
        Assert.Null(proxied.Header("connection"));
        Assert.False(await connection.IsClosedAsync(300));
        Assert.Equal(0, (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.downstream_rq_response_before_rq_complete"));
    }
}
