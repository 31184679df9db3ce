using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.AccessLog;

/// <summary>
/// Counts body bytes of one request for %BYTES_RECEIVED% / %BYTES_SENT% by wrapping the request and
/// response body streams. Only attached when a listener's access log uses those operators; bodies
/// forwarded after a protocol upgrade (WebSocket) bypass the streams and are not counted.
/// </summary>
public sealed class AccessLogByteCounter
{
    private readonly CountingRequestStream? _request;
    private readonly CountingResponseStream _response;

    private AccessLogByteCounter(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            _request = new CountingRequestStream(context.Request.Body);
            context.Request.Body = _request;
        }

        _response = new CountingResponseStream(context.Response.Body);
        context.Response.Body = _response;
    }

    public static AccessLogByteCounter Attach(HttpContext context) => new(context);

    public long BytesReceived => _request?.Count ?? 0;

    public long BytesSent => _response.Count;
}
