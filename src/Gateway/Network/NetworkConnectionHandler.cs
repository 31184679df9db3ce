using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Gateway.Clusters.Model;
using Gateway.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Network;

/// <summary>
/// The Kestrel connection middleware of a network listener: runs the listener filters
/// (proxy_protocol, original_dst, tls_inspector, http_inspector) within listener_filters_timeout,
/// picks the filter chain, then serves the connection with the chain's terminal filter: HTTP goes on
/// to Kestrel's HTTP pipeline (TLS terminated there with the chain's certificate), tcp_proxy, echo
/// and direct_response are served here. Listener filters only peek, so the bytes they read are
/// still there for the chain.
/// </summary>
internal sealed partial class NetworkConnectionHandler
{
    private readonly ListenerSlot _slot;
    private readonly Func<GatewaySnapshot?> _snapshot;
    private readonly ILogger _logger;

    public NetworkConnectionHandler(ListenerSlot slot, Func<GatewaySnapshot?> snapshot, ILoggerFactory loggerFactory)
    {
        _slot = slot;
        _snapshot = snapshot;
        _logger = loggerFactory.CreateLogger("connection");
    }

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var snapshot = _snapshot();
        if (snapshot is null || !snapshot.NetworkListeners.TryGetValue(_slot.Name, out var listener)
            || connection.LocalEndPoint is not IPEndPoint local || connection.RemoteEndPoint is not IPEndPoint remote)
        {
            return;
        }

        var info = new DownstreamConnectionInfo(local, remote);
        if (!await RunListenerFiltersAsync(connection, listener, info).ConfigureAwait(false))
        {
            return;
        }

        if (info.TransportProtocol.Length == 0)
        {
            info.TransportProtocol = "raw_buffer";
        }

        var chain = listener.Select(info);
        if (chain is null)
        {
            Interlocked.Increment(ref listener.Stats.NoFilterChainMatch);
            Log.NoChain(_logger, listener.Config.Name, info.RemoteEndPoint.ToString(), info.ServerName ?? "", info.TransportProtocol);
            return;
        }

        switch (chain.Kind)
        {
            case NetworkFilterKind.HttpConnectionManager:
                await ServeHttpAsync(connection, next, chain, snapshot).ConfigureAwait(false);
                break;
            case NetworkFilterKind.TcpProxy:
                await ServeTcpProxyAsync(connection, chain, info, snapshot).ConfigureAwait(false);
                break;
            case NetworkFilterKind.Echo:
                await ServeEchoAsync(connection, chain).ConfigureAwait(false);
                break;
            case NetworkFilterKind.DirectResponse:
                await ServeDirectResponseAsync(connection, chain).ConfigureAwait(false);
                break;
        }
    }

    private static async Task ServeHttpAsync(ConnectionContext connection, ConnectionDelegate next, CompiledFilterChain chain, GatewaySnapshot snapshot)
    {
        // As an HTTP listener's connection: the codec guards (installed after TLS, by the chain's own
        // HCM settings) and the client-reset accounting (DC once the transport closed, else DR) use it.
        var downstream = Codec.DownstreamConnection.Attach(chain.HttpSlot!, connection);
        connection.Items[CompiledFilterChain.ItemKey] = chain;
        var stats = snapshot.Listeners.GetValueOrDefault(chain.HttpSlot!.Name)?.Stats;
        downstream.Stats = stats;
        if (stats is null)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref stats.DownstreamCxTotal);
        Interlocked.Increment(ref stats.DownstreamCxActive);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref stats.DownstreamCxActive);
        }
    }

    private async Task ServeTcpProxyAsync(ConnectionContext connection, CompiledFilterChain chain, DownstreamConnectionInfo info, GatewaySnapshot snapshot)
    {
        var session = new TcpProxySession(chain.TcpProxy!, info, _logger);
        if (chain.ServerOptions is null)
        {
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
            await session.RunAsync(connection.Transport, null, socket, snapshot.Clusters).ConfigureAwait(false);
            return;
        }

        await using var tls = await AcceptTlsAsync(connection, chain).ConfigureAwait(false);
        if (tls is not null)
        {
            await session.RunAsync(connection.Transport, tls, null, snapshot.Clusters).ConfigureAwait(false);
        }
    }

    private async Task<SslStream?> AcceptTlsAsync(ConnectionContext connection, CompiledFilterChain chain)
    {
        var tls = new SslStream(new DuplexPipeStream(connection.Transport), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tls.AuthenticateAsServerAsync(chain.ServerOptions!, timeout.Token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            Log.TlsFailed(_logger, _slot.Name, e.Message);
            await tls.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private async Task ServeEchoAsync(ConnectionContext connection, CompiledFilterChain chain)
    {
        if (chain.ServerOptions is not null)
        {
            await using var tls = await AcceptTlsAsync(connection, chain).ConfigureAwait(false);
            if (tls is not null)
            {
                await tls.CopyToAsync(tls).ConfigureAwait(false);
            }

            return;
        }

        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        while (true)
        {
            // Kestrel's ConnectionClosed fires on the client's FIN; the pipes say when to stop.
            var result = await input.ReadAsync().ConfigureAwait(false);
            foreach (var segment in result.Buffer)
            {
                await output.WriteAsync(segment).ConfigureAwait(false);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    private async Task ServeDirectResponseAsync(ConnectionContext connection, CompiledFilterChain chain)
    {
        if (chain.ServerOptions is not null)
        {
            await using var tls = await AcceptTlsAsync(connection, chain).ConfigureAwait(false);
            if (tls is not null)
            {
                await tls.WriteAsync(chain.DirectResponse).ConfigureAwait(false);
                await tls.ShutdownAsync().ConfigureAwait(false);
            }

            return;
        }

        await connection.Transport.Output.WriteAsync(chain.DirectResponse).ConfigureAwait(false);
        await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the listener filters in Envoy's sense. False: close the connection (malformed PROXY
    /// header, timeout without continue_on_listener_filters_timeout).
    /// </summary>
    private async Task<bool> RunListenerFiltersAsync(ConnectionContext connection, NetworkListenerRuntime listener, DownstreamConnectionInfo info)
    {
        var config = listener.Config;
        var reads = listener.ProxyProtocol is not null || listener.TlsInspector || listener.HttpInspector;
        if (listener.OriginalDst)
        {
            ReadOriginalDestination(connection, info);
        }

        if (!reads)
        {
            return true;
        }

        // Not linked to ConnectionClosed: it fires on the client's FIN, and a client may send its
        // bytes and FIN at once; a closed input ends the inspection instead.
        using var timeout = new CancellationTokenSource();
        if (config.ListenerFiltersTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(config.ListenerFiltersTimeout);
        }

        var input = connection.Transport.Input;
        try
        {
            if (listener.ProxyProtocol is { } proxy && !await ReadProxyHeaderAsync(connection, input, proxy, info, listener.Stats, timeout.Token).ConfigureAwait(false))
            {
                return false;
            }

            if (listener.TlsInspector)
            {
                await PeekAsync(input, data => InspectTls(data, info), timeout.Token).ConfigureAwait(false);
            }

            if (listener.HttpInspector && info.TransportProtocol != "tls")
            {
                await PeekAsync(input, data => InspectHttp(data, info), timeout.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Interlocked.Increment(ref listener.Stats.DownstreamPreCxTimeout);
            Log.ListenerFiltersTimeout(_logger, config.Name, info.RemoteEndPoint.ToString(), config.ContinueOnListenerFiltersTimeout);
            return config.ContinueOnListenerFiltersTimeout;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
        {
            return false;
        }
    }

    private static InspectionResult InspectTls(ReadOnlySequence<byte> data, DownstreamConnectionInfo info)
    {
        var result = TlsClientHello.TryParse(data, out var sni, out var alpn);
        if (result == InspectionResult.Found)
        {
            info.TransportProtocol = "tls";
            info.ServerName = sni;
            info.ApplicationProtocols = alpn;
        }

        return result;
    }

    private static InspectionResult InspectHttp(ReadOnlySequence<byte> data, DownstreamConnectionInfo info)
    {
        var result = HttpSniffer.TryDetect(data, out var protocol);
        if (result == InspectionResult.Found)
        {
            info.ApplicationProtocols = [protocol!];
        }

        return result;
    }

    /// <summary>
    /// Reads until <paramref name="inspect"/> decides, consuming nothing: the examined bytes stay in
    /// the pipe for whoever reads next. A peer that closes first ends the inspection undecided.
    /// </summary>
    private static async Task PeekAsync(PipeReader input, Func<ReadOnlySequence<byte>, InspectionResult> inspect, CancellationToken token)
    {
        while (true)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var data = result.Buffer;
            var decision = inspect(data);
            if (decision != InspectionResult.NeedMore || result.IsCompleted || data.Length >= TlsClientHello.MaxRecord)
            {
                input.AdvanceTo(data.Start);
                return;
            }

            input.AdvanceTo(data.Start, data.End);
        }
    }

    private async Task<bool> ReadProxyHeaderAsync(ConnectionContext connection, PipeReader input, ListenerFilterConfig proxy, DownstreamConnectionInfo info, NetworkListenerStats stats, CancellationToken token)
    {
        while (true)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var data = result.Buffer;
            var decision = ProxyProtocolHeader.TryParse(data, out var consumed, out var source, out var destination);
            switch (decision)
            {
                case InspectionResult.Found:
                    input.AdvanceTo(data.GetPosition(consumed));
                    if (source is not null && destination is not null)
                    {
                        info.RemoteEndPoint = source;
                        info.LocalEndPoint = destination;
                        // The HTTP connection manager reads these for its remote address and %DOWNSTREAM_*%.
                        connection.RemoteEndPoint = source;
                        connection.LocalEndPoint = destination;
                    }

                    return true;
                case InspectionResult.NotFound when proxy.AllowRequestsWithoutProxyProtocol:
                    input.AdvanceTo(data.Start);
                    return true;
                case InspectionResult.NeedMore when !result.IsCompleted:
                    input.AdvanceTo(data.Start, data.End);
                    continue;
                default:
                    input.AdvanceTo(data.Start);
                    Interlocked.Increment(ref stats.ProxyProtocolError);
                    Log.ProxyProtocolError(_logger, _slot.Name, info.DirectRemoteEndPoint.ToString());
                    return false;
            }
        }
    }

    /// <summary>
    /// original_dst: on Linux, the address a connection was sent to before an iptables REDIRECT
    /// (SO_ORIGINAL_DST). Elsewhere, or without a redirect, the socket's local address stays.
    /// </summary>
    private static void ReadOriginalDestination(ConnectionContext connection, DownstreamConnectionInfo info)
    {
        if (!OperatingSystem.IsLinux() || connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket
            || socket.AddressFamily != AddressFamily.InterNetwork)
        {
            return;
        }

        Span<byte> address = stackalloc byte[16];
        try
        {
            // SOL_IP (0), SO_ORIGINAL_DST (80): a sockaddr_in.
            if (socket.GetRawSocketOption(0, 80, address) >= 8)
            {
                var port = (address[2] << 8) | address[3];
                info.LocalEndPoint = new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
            }
        }
        catch (SocketException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "listener '{Listener}': no filter chain matches the connection from {Remote} (server name '{ServerName}', transport {Transport}); closed")]
        public static partial void NoChain(ILogger logger, string listener, string remote, string serverName, string transport);

        [LoggerMessage(EventId = 31, Level = LogLevel.Debug, Message = "listener '{Listener}': listener filters timed out for {Remote}; continue: {Continue}")]
        public static partial void ListenerFiltersTimeout(ILogger logger, string listener, string remote, bool @continue);

        [LoggerMessage(EventId = 32, Level = LogLevel.Debug, Message = "listener '{Listener}': malformed or missing PROXY protocol header from {Remote}; closed")]
        public static partial void ProxyProtocolError(ILogger logger, string listener, string remote);

        [LoggerMessage(EventId = 33, Level = LogLevel.Debug, Message = "listener '{Listener}': TLS handshake failed: {Reason}")]
        public static partial void TlsFailed(ILogger logger, string listener, string reason);
    }
}
