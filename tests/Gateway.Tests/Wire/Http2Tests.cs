using System.Diagnostics;
using System.Net;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Wire;

/// <summary>
/// The downstream HTTP/2 codec: Envoy's http2_protocol_options (and Envoy's defaults, not Kestrel's)
/// in the SETTINGS the gateway sends, the fields Kestrel cannot honour refused by name, and what the
/// server does under the floods Envoy has limits for.
/// </summary>
[Collection(Http2FloodStats.Name)]
public class Http2Tests(ITestOutputHelper output)
{
    private static string Yaml(int upstreamPort, string http2Options = "") => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort),
        hcmExtra: "codec_type: HTTP2\n" + (http2Options.Length > 0 ? "http2_protocol_options: " + http2Options + "\n" : ""));

    /// <summary>The server's first SETTINGS frame and, when it sends one, its connection WINDOW_UPDATE increment.</summary>
    private static async Task<(Dictionary<int, uint> Settings, uint WindowIncrement)> ServerSettingsAsync(int port)
    {
        await using var connection = await RawHttp2Connection.OpenAsync(port);
        var settings = await connection.ReadUntilAsync(Http2Frame.Settings);
        Assert.NotNull(settings);
        uint increment = 0;
        while (await connection.ReadFrameAsync(2000) is { } frame)
        {
            if (frame.Type == Http2Frame.WindowUpdate && frame.StreamId == 0)
            {
                increment = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & int.MaxValue;
                break;
            }
        }

        return (settings.SettingsValues(), increment);
    }

    [Fact]
    public async Task TheServerAnnouncesEnvoysDefaultsNotKestrels()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var (settings, window) = await ServerSettingsAsync(gateway.Port);
        Assert.Equal(2147483647u, settings[0x3]); // SETTINGS_MAX_CONCURRENT_STREAMS (Kestrel: 100)
        Assert.Equal(268435456u, settings[0x4]);  // SETTINGS_INITIAL_WINDOW_SIZE (Kestrel: 768 KiB)
        Assert.Equal(268435456u - 65535u, window); // the connection window (Kestrel: 1 MiB)
    }

    [Fact]
    public async Task ConfiguredHttp2ProtocolOptionsReachTheWire()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            "{ max_concurrent_streams: 7, initial_stream_window_size: 65536, initial_connection_window_size: 1048576, hpack_table_size: 8192, max_outbound_frames: 10000 }"));
        var (settings, window) = await ServerSettingsAsync(gateway.Port);
        Assert.Equal(7u, settings[0x3]);
        Assert.Equal(65536u, settings[0x4]);
        Assert.Equal(8192u, settings[0x1]);
        Assert.Equal(1048576u - 65535u, window);

        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await client.GetAsync($"http://127.0.0.1:{gateway.Port}/a");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Theory]
    [InlineData("{ allow_connect: true }", "allow_connect")]
    [InlineData("{ max_outbound_frames: 0 }", "max_outbound_frames")]
    [InlineData("{ max_inbound_window_update_frames_per_data_frame_sent: 0 }", "max_inbound_window_update_frames_per_data_frame_sent")]
    [InlineData("{ custom_settings_parameters: [{ identifier: 9, value: 1 }] }", "custom_settings_parameters")]
    public void LimitsKestrelCannotHonourAreRefusedByNameUnlessAtEnvoysDefault(string options, string field)
    {
        var error = Assert.Throws<ConfigException>(() => BootstrapLoader.Load(Yaml(1, options), "envoy.yaml",
            new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions()))));
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void FloodLimitsAndKeepaliveAreRead()
    {
        var loaded = BootstrapLoader.Load(Yaml(1,
            "{ max_outbound_frames: 5000, max_outbound_control_frames: 10, max_consecutive_inbound_frames_with_empty_payload: 3, " +
            "max_inbound_priority_frames_per_stream: 7, max_inbound_window_update_frames_per_data_frame_sent: 2, " +
            "override_stream_error_on_invalid_http_message: true, connection_keepalive: { interval: 30s, timeout: 5s } }"), "envoy.yaml",
            new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
        var http2 = loaded.Config.Listeners[0].Http!.Protocol.Http2;
        Assert.Equal(TimeSpan.FromSeconds(30), http2.KeepaliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), http2.KeepaliveTimeout);
        Assert.Equal(3, http2.MaxConsecutiveInboundFramesWithEmptyPayload);
        Assert.Equal(7, http2.MaxInboundPriorityFramesPerStream);
        Assert.Equal(5000, http2.MaxOutboundFrames);
        Assert.Equal(10, http2.MaxOutboundControlFrames);
        Assert.Equal(2, http2.MaxInboundWindowUpdateFramesPerDataFrameSent);
    }

    [Fact]
    public async Task NghttpSeesEnvoysSettings()
    {
        if (!File.Exists("/usr/bin/nghttp"))
        {
            output.WriteLine("nghttp (Debian nghttp2-client) not installed; .ci/run installs it");
            return;
        }

        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var start = new ProcessStartInfo("/usr/bin/nghttp", $"-nv http://127.0.0.1:{gateway.Port}/a") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var nghttp = Process.Start(start)!;
        var text = await nghttp.StandardOutput.ReadToEndAsync();
        await nghttp.WaitForExitAsync();
        Assert.Equal(0, nghttp.ExitCode);
        Assert.Contains("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):2147483647]", text);
        Assert.Contains("[SETTINGS_INITIAL_WINDOW_SIZE(0x04):268435456]", text);
        Assert.Contains(":status: 200", text);
    }

    /// <summary>
    /// Rapid reset (CVE-2023-44487): streams opened and reset at once. With Envoy's unlimited stream
    /// count Kestrel's own guard (streams still being processed count against the limit) never trips;
    /// Envoy's premature-reset guard aborts the connection once half of 500 streams were reset early.
    /// </summary>
    [Fact]
    public async Task RapidResetAbortsTheConnectionAsEnvoysPrematureResetGuard()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        var sent = 0;
        var stillOpen = true;
        for (var batch = 0; batch < 50 && stillOpen; batch++)
        {
            var frames = new List<(byte, byte, int, byte[])>();
            for (var i = 0; i < 200; i++)
            {
                var id = 1 + 2 * sent++;
                frames.Add((Http2Frame.Headers, 0x5, id, RawHttp2Connection.RequestHeaders()));
                frames.Add((Http2Frame.RstStream, 0, id, [0, 0, 0, 8]));
            }

            stillOpen = await connection.TryWriteFramesAsync(frames);
        }

        // The guard counts streams as they end, which under load can be a while after the last frame.
        await TestGateway.WaitUntilAsync(async () => (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.downstream_rq_too_many_premature_resets") == 1, 60_000);

        // Whatever the server still sends, the connection ends.
        while (await connection.ReadFrameAsync(10_000) is not null)
        {
        }

        var stats = await gateway.StatsAsync();
        output.WriteLine($"rapid reset: {sent} streams sent, writes ok={stillOpen}, downstream_rq_total={stats["http.ingress_http.downstream_rq_total"]} rx_reset={stats["http.ingress_http.downstream_rq_rx_reset"]}");
        // Kestrel dispatches streams asynchronously, so the whole flood may be accepted before the guard trips; the connection ends then.
        Assert.True(connection.Closed);

        // Other connections are served.
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{gateway.Port}/a")).StatusCode);
    }

    /// <summary>Empty DATA frames: Envoy's max_consecutive_inbound_frames_with_empty_payload (1) closes the connection at the second.</summary>
    [Fact]
    public async Task ConsecutiveEmptyFramesCloseTheConnection()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var before = (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_empty_frames_flood");
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        var frames = new List<(byte, byte, int, byte[])> { (Http2Frame.Headers, 0x4, 1, RawHttp2Connection.RequestHeaders(post: true)) };
        for (var i = 0; i < 100; i++)
        {
            frames.Add((Http2Frame.Data, 0, 1, []));
        }

        await connection.TryWriteFramesAsync(frames);
        while (await connection.ReadFrameAsync(10_000) is not null)
        {
        }

        Assert.True(connection.Closed);
        Assert.Equal(before + 1, (await gateway.StatsAsync())["http2.inbound_empty_frames_flood"]);
    }

    /// <summary>PRIORITY frames beyond max_inbound_priority_frames_per_stream (100) per opened stream plus one close the connection.</summary>
    [Fact]
    public async Task APriorityFloodClosesTheConnection()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var before = (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_priority_frames_flood");
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        var frames = new List<(byte, byte, int, byte[])> { (Http2Frame.Headers, 0x5, 1, RawHttp2Connection.RequestHeaders()) };
        for (var i = 0; i < 201; i++)
        {
            // Stream 3 depends on stream 1, weight 16: allowed 100 x (1 opened stream + 1) = 200.
            frames.Add((0x2, 0, 3, [0, 0, 0, 1, 15]));
        }

        await connection.TryWriteFramesAsync(frames);
        while (await connection.ReadFrameAsync(10_000) is not null)
        {
        }

        Assert.True(connection.Closed);
        Assert.Equal(before + 1, (await gateway.StatsAsync())["http2.inbound_priority_frames_flood"]);
    }

    /// <summary>
    /// A header block split over HEADERS and a CONTINUATION sent seconds later is served: without
    /// request_headers_timeout Envoy waits for the rest. (Kestrel, told "no timeout" as InfiniteTimeSpan, armed a
    /// deadline that overflowed into the past and reset the connection at its next 1 s heartbeat.)
    /// </summary>
    [Fact]
    public async Task AHeaderBlockWhoseContinuationComesSecondsLaterIsServed()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        var block = RawHttp2Connection.RequestHeaders();
        await connection.WriteFrameAsync(Http2Frame.Headers, 0x1, 1, block[..3]); // END_STREAM, not END_HEADERS
        await Task.Delay(2500); // two of Kestrel's heartbeats
        await connection.WriteFrameAsync(0x9, 0x4, 1, block[3..]); // CONTINUATION, END_HEADERS
        var response = await connection.ReadUntilAsync(Http2Frame.Headers);
        Assert.NotNull(response);
        Assert.Equal(1, response.StreamId);
        Assert.Equal(0x88, response.Payload[0]); // :status 200 (HPACK static index 8)
    }

    [Fact]
    public async Task BodiesAndManyStreamsPassTheFrameGuard()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var body = new string('x', 200_000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 150).Select(_ => client.PostAsync($"http://127.0.0.1:{gateway.Port}/a", new StringContent(body))));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(body.Length, (await response.Content.ReadAsStringAsync()).Length);
        }
    }

    /// <summary>
    /// PINGs from a client that never reads: their ACKs queue once the socket's buffers are full, and
    /// past max_outbound_control_frames (1000) queued the connection is closed (Envoy's
    /// http2.outbound_control_flood), where Kestrel alone would stop reading and keep it.
    /// </summary>
    [Fact]
    public async Task APingFloodFromAClientThatDoesNotReadClosesTheConnection()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var before = await gateway.StatsAsync();
        var sent = await FloodPingsAsync(gateway, "http2.outbound_control_flood", before);
        var after = await gateway.StatsAsync();
        output.WriteLine($"{sent} PINGs sent before the connection closed");
        Assert.Equal(before.GetValueOrDefault("http2.outbound_control_flood") + 1, after["http2.outbound_control_flood"]);
        Assert.Equal(before.GetValueOrDefault("http2.outbound_flood"), after["http2.outbound_flood"]);
    }

    /// <summary>max_outbound_frames bounds the whole queue (control frames included), checked first: http2.outbound_flood.</summary>
    [Fact]
    public async Task MaxOutboundFramesBoundsTheQueue()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "{ max_outbound_frames: 100 }"));
        var before = await gateway.StatsAsync();
        await FloodPingsAsync(gateway, "http2.outbound_flood", before);
        var after = await gateway.StatsAsync();
        Assert.Equal(before.GetValueOrDefault("http2.outbound_flood") + 1, after["http2.outbound_flood"]);
        Assert.Equal(before.GetValueOrDefault("http2.outbound_control_flood"), after["http2.outbound_control_flood"]);
    }

    /// <summary>Sends PINGs without reading until <paramref name="stat"/> counts; then the connection must end. Returns the PINGs sent.</summary>
    /// <param name="open">Opens the connection (default: cleartext to the first listener, with a small receive buffer).</param>
    internal static async Task<int> FloodPingsAsync(TestGateway gateway, string stat, Dictionary<string, long> before, Func<Task<RawHttp2Connection>>? open = null)
    {
        await using var connection = await (open ?? (() => RawHttp2Connection.OpenAsync(gateway.Port, receiveBuffer: 4096)))();
        var batch = Enumerable.Range(0, 1000).Select(_ => (Http2Frame.Ping, (byte)0, 0, new byte[8])).ToList();
        var sent = 0;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await connection.TryWriteFramesAsync(batch, limit.Token))
            {
                sent += batch.Count;
                if ((await gateway.StatsAsync()).GetValueOrDefault(stat) > before.GetValueOrDefault(stat))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the gateway kept a connection that sent {sent} PINGs and read none");
        }

        // Whatever was sent before the close, the connection ends.
        while (await connection.ReadFrameAsync(10_000) is not null)
        {
        }

        Assert.True(connection.Closed);
        return sent;
    }

    /// <summary>
    /// WINDOW_UPDATE frames with nothing sent: Envoy allows 5 + 2 x (opened streams +
    /// max_inbound_window_update_frames_per_data_frame_sent x DATA frames sent), so the sixth closes
    /// the connection (http2.inbound_window_update_frames_flood).
    /// </summary>
    [Fact]
    public async Task WindowUpdatesWithNoDataSentCloseTheConnection()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var before = (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_window_update_frames_flood");
        await using var connection = await RawHttp2Connection.OpenAsync(gateway.Port);
        var update = (Http2Frame.WindowUpdate, (byte)0, 0, new byte[] { 0, 0, 0, 1 });
        await connection.WriteFramesAsync([update, update, update, update, update, (Http2Frame.Ping, 0, 0, new byte[8])]);
        var ack = await connection.ReadUntilAsync(Http2Frame.Ping);
        Assert.NotNull(ack); // five are allowed
        Assert.Equal(before, (await gateway.StatsAsync()).GetValueOrDefault("http2.inbound_window_update_frames_flood"));

        await connection.TryWriteFramesAsync([update]);
        while (await connection.ReadFrameAsync(10_000) is not null)
        {
        }

        Assert.True(connection.Closed);
        Assert.Equal(before + 1, (await gateway.StatsAsync())["http2.inbound_window_update_frames_flood"]);
    }

    /// <summary>h2load (Debian nghttp2-client), bodies both ways over many streams: the flood guards leave a normal client alone.</summary>
    [Fact]
    public async Task H2loadIsServedUnderTheFloodGuards()
    {
        if (!File.Exists("/usr/bin/h2load"))
        {
            output.WriteLine("h2load (Debian nghttp2-client) not installed; .ci/run installs it");
            return;
        }

        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var body = Path.Combine(gateway.Directory, "body");
        await File.WriteAllBytesAsync(body, new byte[100_000]);
        var before = await gateway.StatsAsync();
        var start = new ProcessStartInfo("/usr/bin/h2load", $"-n 300 -c 2 -m 20 -d {body} http://127.0.0.1:{gateway.Port}/a") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var h2load = Process.Start(start)!;
        var text = await h2load.StandardOutput.ReadToEndAsync();
        await h2load.WaitForExitAsync();
        output.WriteLine(text);
        Assert.Equal(0, h2load.ExitCode);
        Assert.Contains("300 succeeded, 0 failed", text);
        var after = await gateway.StatsAsync();
        foreach (var stat in new[] { "http2.outbound_flood", "http2.outbound_control_flood", "http2.inbound_window_update_frames_flood", "http2.inbound_empty_frames_flood" })
        {
            Assert.Equal(before.GetValueOrDefault(stat), after.GetValueOrDefault(stat));
        }
    }
}
