using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Microsoft.Extensions.Logging;

namespace Gateway.Network;

/// <summary>
/// One downstream connection proxied by tcp_proxy: picks the cluster and a host through the cluster
/// table entry (load balancer, max_connections, connect stats, max_connect_attempts), then pumps
/// bytes both ways until both sides have closed (a FIN is passed on as a half-close), the idle
/// timeout or max_downstream_connection_duration fires, or either side resets.
/// </summary>
internal sealed partial class TcpProxySession
{
    /// <summary>One pooled buffer per direction where a copy is needed; the downstream input needs none.</summary>
    private const int BufferSize = 64 * 1024;

    private readonly TcpProxyRuntime _proxy;
    private readonly TcpSessionRecord _record;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort;
    private long _lastActivity;
    private int _endReason; // 0 none, 1 idle, 2 max duration

    /// <remarks>
    /// Not tied to Kestrel's ConnectionClosed: it fires when the client's FIN arrives, which here is a
    /// half-close to pass on, not the end. The pipes' completion and send errors end the session.
    /// </remarks>
    public TcpProxySession(TcpProxyRuntime proxy, DownstreamConnectionInfo info, ILogger logger)
    {
        _proxy = proxy;
        _logger = logger;
        _record = new TcpSessionRecord { Downstream = info, StartTime = DateTimeOffset.UtcNow };
        _abort = new CancellationTokenSource();
    }

    /// <param name="tls">The terminated TLS stream when the chain has a transport socket; null for plain bytes.</param>
    /// <param name="socket">The downstream socket, for writing and half-closing it directly; null when not exposed.</param>
    public async Task RunAsync(IDuplexPipe downstream, SslStream? tls, Socket? socket, ClusterTable clusters)
    {
        var started = Stopwatch.GetTimestamp();
        var stats = _proxy.Stats;
        Interlocked.Increment(ref stats.DownstreamCxTotal);
        Stream? upstream = null;
        ClusterEntry? entry = null;
        try
        {
            var clusterName = _proxy.PickCluster();
            _record.Cluster = clusterName;
            if (!clusters.TryGet(clusterName, out entry))
            {
                Interlocked.Increment(ref stats.DownstreamCxNoRoute);
                _record.ResponseFlags = "NC";
                entry = null;
                return;
            }

            upstream = await ConnectAsync(entry).ConfigureAwait(false);
            if (upstream is null)
            {
                entry = null; // no slot held
                return;
            }

            // Whatever ends the session (idle timeout, a reset, either side failing) also closes the
            // upstream socket, so no pending read or write outlives it.
            var owned = upstream;
            using var closeOnAbort = _abort.Token.Register(static state => ((Stream)state!).Dispose(), owned);
            using var timers = StartTimers();
            var up = PumpToUpstreamAsync(downstream.Input, tls, upstream);
            var down = PumpToDownstreamAsync(upstream, downstream.Output, tls, socket);
            await WhenBothOrFaultAsync(up, down).ConfigureAwait(false);
        }
        finally
        {
            _abort.Cancel();
            if (upstream is not null)
            {
                await upstream.DisposeAsync().ConfigureAwait(false);
                entry?.CircuitBreaker.ExitConnection();
            }

            _record.TerminationDetails = _endReason switch
            {
                1 => "idle_timeout",
                2 => "max_downstream_connection_duration",
                _ => null,
            };
            _record.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _proxy.Log(_record);
            _abort.Dispose();
        }
    }

    private async Task<Stream?> ConnectAsync(ClusterEntry entry)
    {
        var attempts = _proxy.Config.MaxConnectAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var endpoint = entry.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                _record.ResponseFlags = "UH";
                return null;
            }

            if (!entry.CircuitBreaker.TryEnterConnection())
            {
                _record.ResponseFlags = "UO";
                return null;
            }

            _record.UpstreamHost = endpoint.Address;
            try
            {
                var stream = await entry.ConnectStreamAsync(endpoint, _abort.Token).ConfigureAwait(false);
                if (stream is NetworkStream { Socket.LocalEndPoint: { } local })
                {
                    _record.UpstreamLocalAddress = local.ToString();
                }

                _record.ResponseFlags = "-";
                return stream;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                entry.CircuitBreaker.ExitConnection();
                entry.ReportOutcome(endpoint, UpstreamOutcome.LocalFailure, 503);
                _record.ResponseFlags = "UF";
                Log.ConnectFailed(_logger, entry.Name, endpoint.Address, attempt, attempts, e.Message);
                if (_abort.IsCancellationRequested)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private IDisposable? StartTimers()
    {
        var idle = _proxy.Config.IdleTimeout;
        var maxDuration = _proxy.Config.MaxDownstreamConnectionDuration;
        if (maxDuration is { } duration)
        {
            _ = Task.Delay(duration, _abort.Token).ContinueWith(
                static (t, state) =>
                {
                    if (!t.IsCanceled)
                    {
                        ((TcpProxySession)state!).End(2);
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        if (idle is not { } timeout)
        {
            return null;
        }

        Touch();
        // One timer per connection; activity is a timestamp write, the timer checks it when due.
        var timer = new Timer(static state => ((TcpProxySession)state!).CheckIdle(), this, timeout, Timeout.InfiniteTimeSpan);
        _idleTimer = timer;
        return timer;
    }

    private Timer? _idleTimer;

    private void CheckIdle()
    {
        var timeout = _proxy.Config.IdleTimeout!.Value;
        var idleFor = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastActivity));
        if (idleFor >= timeout)
        {
            End(1);
            return;
        }

        try
        {
            _idleTimer?.Change(timeout - idleFor, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void End(int reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, reason, 0) == 0)
        {
            Interlocked.Increment(ref reason == 1 ? ref _proxy.Stats.IdleTimeout : ref _proxy.Stats.MaxDownstreamConnectionDuration);
            try
            {
                _abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    /// <summary>Waits for both directions; the first that fails (reset, timeout) ends the other at once.</summary>
    private async Task WhenBothOrFaultAsync(Task up, Task down)
    {
        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (first.IsFaulted || first.IsCanceled)
        {
            _abort.Cancel();
        }

        try
        {
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException
            or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
        {
            Log.Ended(_logger, _record.Cluster ?? "", e.Message);
        }
    }

    /// <summary>Downstream to upstream: the input pipe's own buffers are written as they are.</summary>
    private async Task PumpToUpstreamAsync(PipeReader input, SslStream? tls, Stream upstream)
    {
        var token = _abort.Token;
        var stats = _proxy.Stats;
        if (tls is not null)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                int n;
                while ((n = await tls.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    await upstream.WriteAsync(buffer.AsMemory(0, n), token).ConfigureAwait(false);
                    Counted(ref stats.DownstreamCxRxBytesTotal, n, received: true);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            var socket = (upstream as NetworkStream)?.Socket;
            List<ArraySegment<byte>>? gather = null;
            while (true)
            {
                var result = await input.ReadAsync(token).ConfigureAwait(false);
                var data = result.Buffer;
                if (socket is not null && !data.IsSingleSegment && TryGather(data, gather ??= new List<ArraySegment<byte>>(16)))
                {
                    // The pipe holds what was read in small blocks: one send for all of them.
                    await socket.SendAsync(gather, SocketFlags.None).ConfigureAwait(false);
                }
                else
                {
                    foreach (var segment in data)
                    {
                        await upstream.WriteAsync(segment, token).ConfigureAwait(false);
                    }
                }

                if (!data.IsEmpty)
                {
                    Counted(ref stats.DownstreamCxRxBytesTotal, data.Length, received: true);
                }

                input.AdvanceTo(data.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }

        await upstream.FlushAsync(token).ConfigureAwait(false);
        await HalfCloseAsync(upstream).ConfigureAwait(false);
    }

    /// <summary>Upstream to downstream through one pooled buffer, sent straight to the socket when there is one.</summary>
    private async Task PumpToDownstreamAsync(Stream upstream, PipeWriter output, SslStream? tls, Socket? socket)
    {
        var token = _abort.Token;
        var stats = _proxy.Stats;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int n;
            while ((n = await upstream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsMemory(0, n);
                if (tls is not null)
                {
                    await tls.WriteAsync(chunk, token).ConfigureAwait(false);
                }
                else if (socket is not null)
                {
                    while (!chunk.IsEmpty)
                    {
                        var sent = await socket.SendAsync(chunk, SocketFlags.None, token).ConfigureAwait(false);
                        chunk = chunk[sent..];
                    }
                }
                else
                {
                    var flush = await output.WriteAsync(chunk, token).ConfigureAwait(false);
                    if (flush.IsCompleted)
                    {
                        return;
                    }
                }

                Counted(ref stats.DownstreamCxTxBytesTotal, n, received: false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Upstream sent FIN: pass it on. With the socket at hand only its send side closes, so the
        // client can keep sending (half-close); through the pipe or TLS the whole connection closes.
        if (tls is not null)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }
        else if (socket is not null)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        else
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The sequence's blocks as array segments (Kestrel's pool is array-backed); false if one is not.</summary>
    private static bool TryGather(in ReadOnlySequence<byte> data, List<ArraySegment<byte>> gather)
    {
        gather.Clear();
        foreach (var memory in data)
        {
            if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment))
            {
                return false;
            }

            gather.Add(segment);
        }

        return true;
    }

    private void Counted(ref long total, long bytes, bool received)
    {
        Interlocked.Add(ref total, bytes);
        if (received)
        {
            _record.BytesReceived += bytes;
        }
        else
        {
            _record.BytesSent += bytes;
        }

        Touch();
    }

    private static async Task HalfCloseAsync(Stream upstream)
    {
        switch (upstream)
        {
            case NetworkStream network:
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
            case SslStream ssl:
                await ssl.ShutdownAsync().ConfigureAwait(false);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "tcp_proxy: connect to cluster '{Cluster}' host {Host} failed (attempt {Attempt} of {Attempts}): {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string cluster, string host, int attempt, int attempts, string reason);

        [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "tcp_proxy: connection to cluster '{Cluster}' ended: {Reason}")]
        public static partial void Ended(ILogger logger, string cluster, string reason);
    }
}
