using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Network;

/// <summary>
/// A listener with several HTTP chains (picked here by the destination port a PROXY protocol header
/// gives) applies the codec guards of the chain picked, with that chain's own HCM settings, and
/// tells a closed connection (DC) from a reset stream (DR) as a single-chain HTTP listener does. The
/// first chain is the lenient one, so settings taken from it instead of the picked chain fail.
/// </summary>
[Collection(Http2FloodStats.Name)]
public sealed class MultiChainCodecTests
{
    private static string Chain(int port, string statPrefix, string hcmExtra, string route) => $$"""
        - filter_chain_match: { destination_port: {{port}} }
          filters:
          - name: envoy.filters.network.http_connection_manager
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
              stat_prefix: {{statPrefix}}
        {{EnvoyYaml.Indent(hcmExtra, 6)}}
              route_config:
                virtual_hosts:
                - name: all
                  domains: ["*"]
                  routes:
                  - match: { prefix: "/" }
        {{EnvoyYaml.Indent(route, 12)}}
              http_filters:
              - name: envoy.filters.http.router
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """;

    private static string TwoChains(string lenient, string strict, string clusters = "") => NetworkYaml.Listener(
        $"""
        listener_filters:
        {NetworkYaml.ProxyProtocol}
        filter_chains:
        {lenient}
        {strict}
        """,
        clusters.Length > 0 ? clusters : EnvoyYaml.StaticCluster("unused", 9));

    private static byte[] ProxyHeader(int destinationPort) => Encoding.ASCII.GetBytes($"PROXY TCP4 10.0.0.1 127.0.0.1 5555 {destinationPort}\r\n");

    private const string Direct = "direct_response: { status: 200, body: { inline_string: ok } }";

    [Fact]
    public async Task EachChainFloodsByItsOwnHttp2Limits()
    {
        var yaml = TwoChains(
            Chain(1000, "lenient", "codec_type: HTTP2\nhttp2_protocol_options: { max_consecutive_inbound_frames_with_empty_payload: 1000 }", Direct),
            Chain(2000, "strict", "codec_type: HTTP2", Direct));
        await using var gateway = await TestGateway.StartAsync(yaml);
        var before = (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_empty_frames_flood");
        var frames = new List<(byte, byte, int, byte[])> { (Http2Frame.Headers, 0x4, 1, RawHttp2Connection.RequestHeaders(post: true)) };
        frames.AddRange(Enumerable.Range(0, 20).Select(_ => (Http2Frame.Data, (byte)0, 1, Array.Empty<byte>())));

        // Lenient: twenty empty frames are within its limit; the connection answers a PING.
        await using (var lenient = await RawHttp2Connection.OpenAsync(gateway.Port, ProxyHeader(1000)))
        {
            await lenient.WriteFramesAsync([.. frames, (Http2Frame.Ping, 0, 0, new byte[8])]);
            Assert.NotNull(await lenient.ReadUntilAsync(Http2Frame.Ping));
        }

        Assert.Equal(before, (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_empty_frames_flood"));

        // Strict (Envoy's default 1): the second empty frame closes the connection.
        await using var strict = await RawHttp2Connection.OpenAsync(gateway.Port, ProxyHeader(2000));
        await strict.TryWriteFramesAsync(frames);
        while (await strict.ReadFrameAsync(10_000) is not null)
        {
        }

        Assert.True(strict.Closed);
        Assert.Equal(before + 1, (await gateway.StatsAsync())["http2.inbound_empty_frames_flood"]);
    }

    /// <param name="strictFirst">The strict chain first: Kestrel's own limits (one server for all chains) must not refuse for it what the lenient chain allows.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EachChainAppliesItsOwnHttp1HeaderLimit(bool strictFirst)
    {
        var lenient = Chain(1000, "lenient", "", Direct);
        var strict = Chain(2000, "strict", "max_request_headers_kb: 1", Direct);
        var yaml = strictFirst ? TwoChains(strict, lenient) : TwoChains(lenient, strict);
        await using var gateway = await TestGateway.StartAsync(yaml);
        var request = $"GET / HTTP/1.1\r\nHost: a\r\nx-big: {new string('x', 3000)}\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(gateway.Port, ProxyHeader(1000), request));
        Assert.StartsWith("HTTP/1.1 431", await ExchangeAsync(gateway.Port, ProxyHeader(2000), request));
        Assert.Equal(1, (await gateway.StatsAsync())["http.strict.downstream_rq_4xx"]);
    }

    [Fact]
    public async Task AClosedHttp2ConnectionIsLoggedAsDcNotDr()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await StreamTimeoutTests.HangingUpstreamAsync(cancelled, received);
        var route = "route: { cluster: slow }";
        var yaml = TwoChains(
            Chain(1000, "lenient", "codec_type: HTTP2", route),
            Chain(2000, "strict", "codec_type: HTTP2" + StreamTimeoutTests.AccessLog(log), route),
            EnvoyYaml.StaticCluster("slow", upstream.Port));
        await using var gateway = await TestGateway.StartAsync(yaml, directory: directory);
        var connection = await RawHttp2Connection.OpenAsync(gateway.Port, ProxyHeader(2000));
        await connection.WriteFrameAsync(Http2Frame.Headers, 0x5, 1, RawHttp2Connection.RequestHeaders());
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await connection.DisposeAsync();
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0 DC downstream_remote_disconnect", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        Assert.Equal(1, (await gateway.StatsAsync())["http.strict.downstream_rq_rx_reset"]);
    }

    /// <summary>
    /// Two TLS chains picked by server name (h2 by ALPN): a PING flood from a client that does not read
    /// is closed by the strict chain's max_outbound_control_frames (Envoy's default), not by the
    /// lenient first chain's; an HttpClient over h2 is served with bodies both ways.
    /// </summary>
    [Fact]
    public async Task TlsChainsPickedByServerNameApplyTheirOwnOutboundLimits()
    {
        using var certificate = TestCertificates.Create("a.example.com");
        await using var upstream = await EchoUpstream.StartAsync();
        string TlsChain(string name, string statPrefix, string http2Options) =>
            Chain(0, statPrefix, "codec_type: HTTP2\n" + http2Options, "route: { cluster: echo }")
                .Replace("- filter_chain_match: { destination_port: 0 }\n", $"- filter_chain_match: {{ server_names: [{name}] }}\n{TestCertificates.TransportSocket(certificate, 2)}");
        var yaml = NetworkYaml.Listener(
            $"""
            listener_filters:
            {NetworkYaml.TlsInspector}
            filter_chains:
            {TlsChain("a.example.com", "lenient", "http2_protocol_options: { max_outbound_control_frames: 100000000 }")}
            {TlsChain("b.example.com", "strict", "")}
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port));
        await using var gateway = await TestGateway.StartAsync(yaml);

        // Names resolve to the listener on 127.0.0.1; TLS still sends them as SNI.
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, gateway.Port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using (var client = new HttpClient(handler) { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            var body = new string('x', 300_000);
            foreach (var name in new[] { "a.example.com", "b.example.com" })
            {
                using var response = await client.PostAsync($"https://{name}:{gateway.Port}/a", new StringContent(body));
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(System.Net.HttpVersion.Version20, response.Version);
                Assert.Equal(body.Length, (await response.Content.ReadAsStringAsync()).Length);
            }
        }

        var before = await gateway.StatsAsync();
        foreach (var prefix in new[] { "http.lenient.", "http.strict." })
        {
            // One TLS connection per chain, counted by the chain's own connection manager.
            Assert.Equal((1, 1, 1, 0), (before[prefix + "downstream_cx_ssl_total"], before[prefix + "downstream_cx_http2_total"],
                before[prefix + "downstream_rq_http2_total"], before[prefix + "downstream_cx_http1_total"]));
        }

        await Http2Tests.FloodPingsAsync(gateway, "http2.outbound_control_flood", before, () => RawHttp2Connection.OpenTlsAsync(gateway.Port, "b.example.com", receiveBuffer: 4096));
        Assert.Equal(before.GetValueOrDefault("http2.outbound_control_flood") + 1, (await gateway.StatsAsync())["http2.outbound_control_flood"]);
    }

    /// <summary>Sends <paramref name="prefix"/> and <paramref name="request"/>; returns what comes back until the response head ends.</summary>
    private static async Task<string> ExchangeAsync(int port, byte[] prefix, string request)
    {
        using var socket = await TcpClientHelpers.ConnectAsync(port);
        await socket.SendAsync(prefix);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!received.ToString().Contains("\r\n\r\n"))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return received.ToString();
    }
}
