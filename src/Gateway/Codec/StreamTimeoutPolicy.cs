using Gateway.Clusters.Model;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Codec;

/// <summary>
/// An HCM's stream timers, compiled once per config load: stream_idle_timeout (Envoy's default 5
/// minutes), request_timeout (off by default) and whether any route sets its own idle_timeout. Each
/// request gets a <see cref="StreamWatch"/>, checked by the one process-wide
/// <see cref="StreamTimeoutSweeper"/> instead of a timer per stream.
/// </summary>
internal sealed class StreamTimeoutPolicy
{
    private StreamTimeoutPolicy(long idleMs, long requestMs, HttpConnectionManagerStats stats)
    {
        IdleMs = idleMs;
        RequestMs = requestMs;
        Stats = stats;
    }

    public long IdleMs { get; }

    public long RequestMs { get; }

    public HttpConnectionManagerStats Stats { get; }

    /// <summary>The policy for <paramref name="http"/>, or null when no stream of it can time out (no watch per request then).</summary>
    public static StreamTimeoutPolicy? Create(HttpConnectionManagerConfig http, HttpConnectionManagerStats stats)
    {
        var idle = Milliseconds(http.Protocol.StreamIdleTimeout);
        var request = Milliseconds(http.RequestTimeout);
        var routeIdle = http.RouteConfig.VirtualHosts.Any(v => v.Routes.Any(r => r.Forward?.IdleTimeout is { } t && t > TimeSpan.Zero));
        return idle == 0 && request == 0 && !routeIdle ? null : new StreamTimeoutPolicy(idle, request, stats);
    }

    /// <summary>
    /// Starts watching one request (its body streams and RequestAborted are wrapped), on the connection's
    /// spare watch when it has one (see <see cref="DownstreamConnection.ReturnWatch"/>).
    /// </summary>
    public StreamWatch Begin(HttpContext context, DownstreamConnection? connection)
    {
        var watch = connection?.TakeWatch() ?? new StreamWatch();
        watch.Start(this, context);
        return watch;
    }

    private static long Milliseconds(TimeSpan? value) =>
        value is { } t && t > TimeSpan.Zero ? Math.Max(1, (long)t.TotalMilliseconds) : 0;
}
