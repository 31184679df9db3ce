using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>
/// codec_type AUTO (the default) on cleartext, as Envoy picks its codec: a connection that opens with the HTTP/2
/// preface is HTTP/2 (prior knowledge, what gRPC clients send), any other is HTTP/1.1, on the same listener.
/// </summary>
public class AutoCodecTests
{
    private static string Yaml(int upstreamPort, string hcmExtra = "") => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort),
        hcmExtra: hcmExtra);

    [Fact]
    public async Task PriorKnowledgeHttp2AndHttp11AreServedOnOneListener()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var h2 = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var h1 = new HttpClient(new SocketsHttpHandler());

        using var overH2 = await h2.PostAsync($"http://127.0.0.1:{gateway.Port}/a", new StringContent("over h2"));
        using var overH1 = await h1.PostAsync($"http://127.0.0.1:{gateway.Port}/b", new StringContent("over h1"));

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (overH2.StatusCode, overH2.Version));
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (overH1.StatusCode, overH1.Version));
        Assert.Contains("over h2", await overH2.Content.ReadAsStringAsync());
        Assert.Contains("over h1", await overH1.Content.ReadAsStringAsync());
    }

    /// <summary>Envoy's per-codec counters of the connection manager: downstream_cx_http1/http2_total and _active, downstream_rq_http1/http2_total.</summary>
    [Fact]
    public async Task ConnectionsAndRequestsAreCountedPerCodec()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        using (var h2 = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        using (var h1 = new HttpClient(new SocketsHttpHandler()))
        {
            for (var i = 0; i < 3; i++)
            {
                (await h2.GetAsync($"http://127.0.0.1:{gateway.Port}/a")).EnsureSuccessStatusCode();
            }

            (await h1.GetAsync($"http://127.0.0.1:{gateway.Port}/b")).EnsureSuccessStatusCode();
            var open = await gateway.StatsAsync();
            Assert.Equal((1, 1, 1, 1), (open["http.ingress_http.downstream_cx_http2_total"], open["http.ingress_http.downstream_cx_http2_active"],
                open["http.ingress_http.downstream_cx_http1_total"], open["http.ingress_http.downstream_cx_http1_active"]));
            Assert.Equal((3, 1, 0), (open["http.ingress_http.downstream_rq_http2_total"], open["http.ingress_http.downstream_rq_http1_total"], open["http.ingress_http.downstream_cx_ssl_total"]));
        }

        await TestGateway.WaitUntilAsync(async () => await gateway.StatsAsync() is var s
            && s["http.ingress_http.downstream_cx_http2_active"] == 0 && s["http.ingress_http.downstream_cx_http1_active"] == 0);
    }

    [Fact]
    public async Task APrefaceSplitAcrossTwoWritesIsStillHttp2()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port, splitPrefaceAfter: 5);
        await connection.WriteFrameAsync(Http2Frame.Headers, 0x5, 1, RawHttp2Connection.RequestHeaders());
        var response = await connection.ReadUntilAsync(Http2Frame.Headers);
        Assert.NotNull(response);
        Assert.Equal(0x88, response.Payload[0]); // :status 200 (HPACK static index 8)
    }

    /// <summary>"PUT" shares its first byte with the preface ("PRI"): told apart at the second, still HTTP/1.1.</summary>
    [Fact]
    public async Task AnHttp1HeadThatBeginsLikeThePrefaceIsHttp1()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("P");
        await Task.Delay(100);
        await connection.SendAsync("UT /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        var response = await connection.ReadResponseAsync();
        Assert.Equal(200, response.Status);
    }

    /// <summary>A connection that sends nothing is closed at idle_timeout, while its codec is still unknown.</summary>
    [Fact]
    public async Task ASilentConnectionIsClosedAtTheIdleTimeout()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "common_http_protocol_options: { idle_timeout: 0.3s }\n"));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        Assert.True(await connection.IsClosedAsync(5000));
    }

    /// <summary>codec_type HTTP1 stays HTTP/1.1 only: the preface is not taken as HTTP/2 there.</summary>
    [Fact]
    public async Task AnHttp1OnlyListenerDoesNotSpeakHttp2()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "codec_type: HTTP1\n"));
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        // The HTTP/1 codec may refuse the preface and close before this write lands (then the write reports false).
        await connection.TryWriteFramesAsync([(Http2Frame.Headers, 0x5, 1, RawHttp2Connection.RequestHeaders())]);
        Assert.Null(await connection.ReadUntilAsync(Http2Frame.Headers, 3000));
    }
}
