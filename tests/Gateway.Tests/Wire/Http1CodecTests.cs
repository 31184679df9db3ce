using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>
/// Envoy's HTTP/1 codec rules over raw sockets: what Envoy answers (status, reason-phrase body,
/// text/plain, server header, connection close) where Kestrel would answer differently or not at all.
/// </summary>
public class Http1CodecTests
{
    private static string Yaml(int upstreamPort, string hcmExtra = "") => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort),
        hcmExtra: hcmExtra);

    private static void AssertEnvoyLocalReply(RawResponse response, int status, string body)
    {
        Assert.True(response.Status == status, response.ToString());
        Assert.Equal(body, response.Body);
        Assert.Equal("envoy", response.Header("server"));
        if (body.Length > 0)
        {
            Assert.Equal("text/plain", response.Header("content-type"));
        }

        Assert.Equal("close", response.Header("connection"));
    }

    [Fact]
    public async Task RefusedRequestsGetEnvoysRepliesAndOthersAreServed()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var port = gateway.Port;

        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.0\r\nHost: a\r\n\r\n"), 426, "Upgrade Required");
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port,
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400, "Bad Request");
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port,
            "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 501, "Not Implemented");
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\nBad Header: v\r\n\r\n"), 400, "Bad Request");
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"), 400, "Bad Request");
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('a', 61 * 1024) + "\r\n\r\n"),
            431, "Request Header Fields Too Large");
        var many = string.Concat(Enumerable.Range(0, 101).Select(i => $"x-h{i}: v\r\n"));
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\n" + many + "\r\n"), 431, "Request Header Fields Too Large");
        // A fragment is refused by the connection manager (path normalization), with an empty body.
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n"), 400, "");
        // A garbage request line.
        AssertEnvoyLocalReply(await RawHttpConnection.ExchangeAsync(port, "\u0016\u0003\u0001garbage\r\n\r\n"), 400, "Bad Request");

        // Within the budget: a 20 KB URL and 100 headers are served (Kestrel alone would answer 414 / 431).
        var longTarget = "/a?q=" + new string('b', 20 * 1024);
        var served = await RawHttpConnection.ExchangeAsync(port, $"GET {longTarget} HTTP/1.1\r\nHost: a\r\n\r\n");
        // (The test upstream is Kestrel with its 8 KB line limit: it answers 414 itself, after the gateway forwarded.)
        Assert.True(served.Header("x-envoy-upstream-service-time") is not null, served.ToString());
        var hundred = string.Concat(Enumerable.Range(0, 99).Select(i => $"x-h{i}: v\r\n"));
        served = await RawHttpConnection.ExchangeAsync(port, "GET /a HTTP/1.1\r\nHost: a\r\n" + hundred + "\r\n");
        Assert.True(served.Header("x-envoy-upstream-service-time") is not null, served.ToString());
    }

    [Fact]
    public async Task KeepAliveConnectionFramesBodiesAndRefusesOnlyTheBadRequest()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        // Pipelined: a chunked body (with an extension and a trailer), a Content-Length body, then a bad head.
        await connection.SendAsync(
            "POST /one HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nx-t: 1\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nwxyz" +
            "GET /three HTTP/1.0\r\n\r\n");
        var one = await connection.ReadResponseAsync();
        Assert.True(one.Status == 200, one.ToString());
        Assert.Equal("abcde", one.Body);
        var two = await connection.ReadResponseAsync();
        Assert.True(two.Status == 200, two.ToString());
        Assert.Equal("wxyz", two.Body);
        Assert.Equal("/two", two.Header("x-seen-target"));
        var three = await connection.ReadResponseAsync();
        AssertEnvoyLocalReply(three, 426, "Upgrade Required");
        Assert.True(await connection.IsClosedAsync());
    }

    [Fact]
    public async Task Http10IsServedWhenAcceptedWithTheDefaultHost()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            """
            http_protocol_options:
              accept_http_10: true
              default_host_for_http_10: default.example
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /ten HTTP/1.0\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("default.example", response.Header("x-seen-host"));
    }

    [Fact]
    public async Task AbsoluteFormTargetsAreRoutedWithTheirAuthority()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET http://example.com/p/q?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("/p/q?x=1", response.Header("x-seen-target"));
        Assert.Equal("example.com", response.Header("x-seen-host"));
    }

    [Fact]
    public async Task CodecRepliesGoThroughLocalReplyConfig()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            """
            local_reply_config:
              mappers:
              - filter:
                  status_code_filter:
                    comparison: { op: EQ, value: { default_value: 426, runtime_key: k } }
                body: { inline_string: "use HTTP/1.1" }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.0\r\nHost: a\r\n\r\n");
        Assert.Equal(426, response.Status);
        Assert.Equal("use HTTP/1.1", response.Body);
    }
}
