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
