using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>proxy_protocol (v1, v2) from a raw client, chains chosen by destination port, listener_filters_timeout.</summary>
public sealed class ListenerFilterTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static string AccessLog(string path) => $$"""
        access_log:
        - name: envoy.access_loggers.file
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: {{path}}
            log_format:
              text_format_source:
                inline_string: "%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT% %UPSTREAM_CLUSTER%\n"
        """;

    /// <summary>proxy_protocol, then port 443 to cluster <c>tls</c>, anything else to <c>other</c>; both logged to <paramref name="log"/>.</summary>
    private static string PortRoutingListener(int tlsPort, int otherPort, string log) => NetworkYaml.Listener(
        $"""
        listener_filters:
        {NetworkYaml.ProxyProtocol}
        filter_chains:
        - filter_chain_match:
            destination_port: 443
          filters:
        {EnvoyYaml.Indent(NetworkYaml.TcpProxy("tls", "p443", AccessLog(log)), 2)}
        - filters:
        {EnvoyYaml.Indent(NetworkYaml.TcpProxy("other", "pany", AccessLog(log)), 2)}
        """,
        EnvoyYaml.StaticCluster("tls", tlsPort) + EnvoyYaml.StaticCluster("other", otherPort));

    [Fact]
    public async Task Proxy_protocol_v1_and_v2_give_the_client_address_and_choose_the_chain_by_destination_port()
    {
        await using var port443 = TcpTestUpstream.Echo("443\n");
        await using var portAny = TcpTestUpstream.Echo("any\n");
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "tcp.log");
        await using var gw = await TestGateway.StartAsync(PortRoutingListener(port443.Port, portAny.Port, log), directory: directory);

        // v1 to 192.0.2.1:443: the 443 chain; the header is consumed, the upstream sees only the payload.
        var v1 = Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\r\n");
        Assert.Equal("443\nping", await ExchangeAsync(gw.Port, v1, "ping"));
        Assert.Equal("203.0.113.7:56324 192.0.2.1:443 127.0.0.1 tls", await NextLogLineAsync(log, 1));

        // v2 (binary, IPv4) to port 8080: no chain names it, so the one without destination_port.
        var v2 = V2Header([198, 51, 100, 9], [192, 0, 2, 2], 4000, 8080);
        Assert.Equal("any\npong", await ExchangeAsync(gw.Port, v2, "pong"));
        Assert.Equal("198.51.100.9:4000 192.0.2.2:8080 127.0.0.1 other", await NextLogLineAsync(log, 2));
    }

    [Fact]
    public async Task Proxy_protocol_in_front_of_the_http_connection_manager_gives_its_downstream_remote_address()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "http.log");
        var yaml = NetworkYaml.Listener(
            $$"""
            listener_filters:
            {{NetworkYaml.ProxyProtocol}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: behind_lb
                  access_log:
                  - name: envoy.access_loggers.file
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                      path: {{log}}
                      log_format: { text_format_source: { inline_string: "%DOWNSTREAM_REMOTE_ADDRESS% %RESPONSE_CODE%\n" } }
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        direct_response: { status: 200, body: { inline_string: "ok" } }
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
            """,
            "[]");
        await using var gw = await TestGateway.StartAsync(yaml, directory: directory);

        var request = "PROXY TCP4 203.0.113.50 192.0.2.1 41000 80\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var response = Encoding.ASCII.GetString(await TcpClientHelpers.ReadToEndAsync(stream));
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal("203.0.113.50:41000 200", await NextLogLineAsync(log, 1));
    }

    [Fact]
    public async Task Use_proxy_proto_on_the_first_chain_reads_the_proxy_header_as_the_listener_filter_does()
    {
        // The deprecated FilterChain field (limitador's kuard example): Envoy adds the proxy_protocol listener filter.
        await using var upstream = TcpTestUpstream.Echo("hi\n");
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "tcp.log");
        var yaml = NetworkYaml.Listener(
            $"""
            filter_chains:
            - use_proxy_proto: true
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo", extra: AccessLog(log)), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port));
        await using var gw = await TestGateway.StartAsync(yaml, directory: directory);

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.8 192.0.2.1 40000 9000\r\n"));
        var reply = new byte[3];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal("hi\n", Encoding.ASCII.GetString(reply));
        socket.Shutdown(SocketShutdown.Send);
        Assert.StartsWith("203.0.113.8:40000 ", await NextLogLineAsync(log, 1));

        // Without the header the connection is refused, as with the listener filter.
        using var bare = await TcpClientHelpers.ConnectAsync(gw.Port);
        await bare.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        Assert.True(await TcpClientHelpers.ClosedByPeerAsync(bare, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_connection_without_a_proxy_header_is_closed_unless_allowed()
    {
        await using var upstream = TcpTestUpstream.Echo("hi\n");
        var yaml = NetworkYaml.Listener(
            $"""
            listener_filters:
            {NetworkYaml.ProxyProtocol}
            filter_chains:
            - filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port));
        await using var gw = await TestGateway.StartAsync(yaml);

        using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
        await socket.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        Assert.True(await TcpClientHelpers.ClosedByPeerAsync(socket, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, upstream.Connections);
    }

    [Fact]
    public async Task Listener_filters_timeout_closes_a_silent_connection_or_continues_with_the_default_chain()
    {
        await using var upstream = TcpTestUpstream.Echo("plain\n");
        string Yaml(bool continueOnTimeout) => NetworkYaml.Listener(
            $"""
            listener_filters:
            {NetworkYaml.TlsInspector}
            listener_filters_timeout: 0.2s
            continue_on_listener_filters_timeout: {(continueOnTimeout ? "true" : "false")}
            filter_chains:
            - filter_chain_match: {"{"} transport_protocol: raw_buffer {"}"}
              filters:
            {EnvoyYaml.Indent(NetworkYaml.TcpProxy("echo"), 2)}
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port));

        await using (var gw = await TestGateway.StartAsync(Yaml(continueOnTimeout: false)))
        {
            // The client waits for a server greeting and sends nothing: tls_inspector times out, the connection closes.
            using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
            Assert.True(await TcpClientHelpers.ClosedByPeerAsync(socket, TimeSpan.FromSeconds(30)));
            Assert.Equal(0, upstream.Connections);
        }

        await using (var gw = await TestGateway.StartAsync(Yaml(continueOnTimeout: true)))
        {
            // Same silence, but the chain is picked with what is known (raw_buffer): the upstream greets.
            using var socket = await TcpClientHelpers.ConnectAsync(gw.Port);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            Assert.Equal("plain", await TcpClientHelpers.ReadLineAsync(stream));
        }
    }

    private static byte[] V2Header(byte[] source, byte[] destination, ushort sourcePort, ushort destinationPort)
    {
        var header = new List<byte>(V2Signature) { 0x21, 0x11, 0x00, 12 };
        header.AddRange(source);
        header.AddRange(destination);
        header.AddRange([(byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort]);
        return [.. header];
    }

    /// <summary>Sends <paramref name="header"/> and <paramref name="payload"/>, half-closes, returns all that came back.</summary>
    private static async Task<string> ExchangeAsync(int port, byte[] header, string payload)
    {
        using var socket = await TcpClientHelpers.ConnectAsync(port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(header.Concat(Encoding.ASCII.GetBytes(payload)).ToArray());
        socket.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(await TcpClientHelpers.ReadToEndAsync(stream));
    }

    private static async Task<string> NextLogLineAsync(string path, int lineNumber)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (File.Exists(path))
            {
                var lines = (await File.ReadAllTextAsync(path, cts.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Length >= lineNumber)
                {
                    return lines[lineNumber - 1];
                }
            }

            await Task.Delay(20, cts.Token);
        }
    }
}
