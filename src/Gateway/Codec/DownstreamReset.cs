using Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Codec;

/// <summary>
/// A request the client abandoned before it was done, recorded as Envoy's onResetStream does: no
/// response code (0 in the access log) unless the response had begun, flag DR with details
/// <c>http2.remote_reset</c> for an HTTP/2 stream the client reset, DC with
/// <c>downstream_remote_disconnect</c> when the connection went away.
/// </summary>
internal static class DownstreamReset
{
    /// <summary>Envoy's premature_reset_min_stream_lifetime_seconds (1): a stream under 2 whole seconds.</summary>
    private static readonly long PrematureTicks = 2 * System.Diagnostics.Stopwatch.Frequency;

    /// <summary>
    /// At the end of every request: a client reset is recorded (see the type), and on HTTP/2 the
    /// stream counts toward Envoy's rapid-reset guard, which aborts the connection
    /// (<c>downstream_rq_too_many_premature_resets</c>) when too many streams were reset before any response.
    /// </summary>
    /// <param name="aborted">The client left (a reset the stream timers made is not the client's: it keeps their flag and details).</param>
    public static void OnStreamEnd(HttpContext context, RequestState state, DownstreamConnection? connection, bool aborted, HttpConnectionManagerStats stats)
    {
        if (aborted)
        {
            Record(context, state, connection);
        }

        if (connection is null || !HttpProtocol.IsHttp2(context.Request.Protocol))
        {
            return;
        }

        var premature = aborted && !context.Response.HasStarted &&
            System.Diagnostics.Stopwatch.GetTimestamp() - state.StartTimestamp < PrematureTicks;
        if (connection.CountClosedStream(premature))
        {
            Interlocked.Increment(ref stats.DownstreamRqTooManyPrematureResets);
            connection.Transport?.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("too_many_premature_resets"));
        }
    }

    public static void Record(HttpContext context, RequestState state, DownstreamConnection? connection)
    {
        var streamReset = HttpProtocol.IsHttp2(context.Request.Protocol) && connection?.Closed != true;
        state.ResponseFlags = streamReset ? "DR" : "DC";
        state.ResponseCodeDetails = streamReset ? "http2.remote_reset" : "downstream_remote_disconnect";
        if (!context.Response.HasStarted)
        {
            // Nothing was sent: the access log's %RESPONSE_CODE% is 0, as Envoy logs it.
            context.Response.StatusCode = 0;
        }
    }
}
