using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>tcp_proxy over real sockets: bytes both ways, half-close each way, stats, the small network filters.</summary>
public sealed class TcpProxyTests
{
    private static string EchoListener(int upstreamPort, string tcpExtra = "") => NetworkYaml.Listener(
        $"""
        filter_chains:
        - filters:
        {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo", "echo_tcp", tcpExtra), 2)}
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort));

    [Fact]
    public async Task Large_transfers_go_both_ways_and_a_client_half_close_still_gets_every_echoed_byte()
    {
        await using var upstream = TcpTestUpstream.Echo();
        await using var gw = await TestGateway.StartAsync(EchoListener(upstream.Port));
        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reading = TcpClientHelpers.ReadToEndAsync(stream);
        for (var offset = 0; offset < payload.Length; offset += 256 * 1024)
        {
            await stream.WriteAsync(payload.AsMemory(offset, Math.Min(256 * 1024, payload.Length - offset)));
        }

        // FIN from the client: the gateway passes it on; the upstream finishes echoing, then closes.
        socket.Shutdown(SocketShutdown.Send);
        var echoed = await reading;

        Assert.Equal(payload.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
        var stats = await WaitForStatAsync(gw, "tcp.echo_tcp.downstream_cx_tx_bytes_total", payload.Length);
        Assert.Equal(payload.Length, stats["tcp.echo_tcp.downstream_cx_rx_bytes_total"]);
        Assert.Equal(1, stats["tcp.echo_tcp.downstream_cx_total"]);
        Assert.Equal(1, stats["cluster.echo.upstream_cx_total"]);
    }

    [Fact]
    public async Task An_upstream_half_close_reaches_the_client_which_can_still_send()
    {
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = TcpTestUpstream.Custom(async stream =>
        {
            await stream.WriteAsync("bye\n"u8.ToArray());
            ((NetworkStream)stream).Socket.Shutdown(SocketShutdown.Send);
            received.TrySetResult((await TcpClientHelpers.ReadToEndAsync(stream)).LongLength);
        });
        await using var gw = await TestGateway.StartAsync(EchoListener(upstream.Port));

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        // The upstream's FIN arrives as end of stream while the client's side stays open.
        Assert.Equal("bye\n", Encoding.ASCII.GetString(await TcpClientHelpers.ReadToEndAsync(stream)));

        var payload = RandomNumberGenerator.GetBytes(1024 * 1024);
        await stream.WriteAsync(payload);
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal(payload.Length, await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_dead_cluster_closes_the_connection_after_max_connect_attempts_and_counts_connect_failures()
    {
        var dead = DeadPort();
        await using var gw = await TestGateway.StartAsync(EchoListener(dead, "max_connect_attempts: 3"));

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        Assert.True(await TcpClientHelpers.ClosedByPeerAsync(socket, TimeSpan.FromSeconds(30)));
        var stats = await WaitForStatAsync(gw, "cluster.echo.upstream_cx_connect_fail", 3);
        Assert.Equal(3, stats["cluster.echo.upstream_cx_total"]);
    }

    [Fact]
    public async Task Max_connections_of_the_cluster_bounds_tcp_proxy_connections()
    {
        await using var upstream = TcpTestUpstream.Echo("hi\n");
        var yaml = NetworkYaml.Listener(
            $"""
            filter_chains:
            - filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port, "circuit_breakers: { thresholds: [ { max_connections: 1 } ] }"));
        await using var gw = await TestGateway.StartAsync(yaml);

        using var first = await TcpClientHelpers.ConnectAsync(gw.Port);
        await using var firstStream = new NetworkStream(first, ownsSocket: false);
        Assert.Equal("hi", await TcpClientHelpers.ReadLineAsync(firstStream));

        using var second = await TcpClientHelpers.ConnectAsync(gw.Port);
        Assert.True(await TcpClientHelpers.ClosedByPeerAsync(second, TimeSpan.FromSeconds(30)));
        var stats = await WaitForStatAsync(gw, "cluster.echo.upstream_cx_overflow", 1);
        Assert.Equal(1, stats["cluster.echo.upstream_cx_total"]);
    }

    [Fact]
    public async Task Idle_timeout_closes_a_quiet_connection_and_counts_it()
    {
        await using var upstream = TcpTestUpstream.Echo();
        await using var gw = await TestGateway.StartAsync(EchoListener(upstream.Port, "idle_timeout: 0.2s"));

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        Assert.True(await TcpClientHelpers.ClosedByPeerAsync(socket, TimeSpan.FromSeconds(30)));
        await WaitForStatAsync(gw, "tcp.echo_tcp.idle_timeout", 1);
    }

    [Fact]
    public async Task Access_log_writes_tcp_fields_when_the_connection_ends()
    {
        await using var upstream = TcpTestUpstream.Echo();
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "tcp.log");
        var extra = $$"""
            access_log:
            - name: envoy.access_loggers.file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: {{log}}
                log_format:
                  text_format_source:
                    inline_string: "%UPSTREAM_CLUSTER% %UPSTREAM_HOST% %BYTES_RECEIVED% %BYTES_SENT% %RESPONSE_FLAGS%\n"
            """;
        await using var gw = await TestGateway.StartAsync(EchoListener(upstream.Port, extra), directory: directory);

        using (var socket = await TcpClientHelpers.ConnectAsync(gw.Port))
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync("hello"u8.ToArray());
            socket.Shutdown(SocketShutdown.Send);
            Assert.Equal("hello", Encoding.ASCII.GetString(await TcpClientHelpers.ReadToEndAsync(stream)));
        }

        var line = await WaitForFileLineAsync(log);
        Assert.Equal($"echo 127.0.0.1:{upstream.Port} 5 5 -", line);
    }

    [Fact]
    public async Task Echo_and_direct_response_network_filters_answer_by_themselves()
    {
        var yaml = $$"""
            admin:
              address:
                socket_address: { address: 127.0.0.1, port_value: 0 }
            static_resources:
              listeners:
              - name: echo
                address:
                  socket_address: { address: 127.0.0.1, port_value: 0 }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.echo
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo
              - name: direct
                address:
                  socket_address: { address: 127.0.0.1, port_value: 0 }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.direct_response
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.direct_response.v3.Config
                      response: { inline_string: "canned\n" }
              clusters: []
            """;
        await using var gw = await TestGateway.StartAsync(yaml);

        using (var socket = await TcpClientHelpers.ConnectAsync(gw.PortOf("echo")))
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync("ping\n"u8.ToArray());
            Assert.Equal("ping", await TcpClientHelpers.ReadLineAsync(stream));
        }

        using (var socket = await TcpClientHelpers.ConnectAsync(gw.PortOf("direct")))
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            Assert.Equal("canned\n", Encoding.ASCII.GetString(await TcpClientHelpers.ReadToEndAsync(stream)));
        }
    }

    internal static int DeadPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Polls /stats until <paramref name="name"/> reaches <paramref name="atLeast"/> (stats update as connections end).</summary>
    internal static async Task<Dictionary<string, long>> WaitForStatAsync(TestGateway gw, string name, long atLeast)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var stats = await gw.StatsAsync();
            if (stats.TryGetValue(name, out var value) && value >= atLeast)
            {
                Assert.Equal(atLeast, value);
                return stats;
            }

            await Task.Delay(20, cts.Token);
        }
    }

    internal static async Task<string> WaitForFileLineAsync(string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (File.Exists(path))
            {
                var text = await File.ReadAllTextAsync(path, cts.Token);
                if (text.Contains('\n'))
                {
                    return text[..text.IndexOf('\n')];
                }
            }

            await Task.Delay(20, cts.Token);
        }
    }
}
