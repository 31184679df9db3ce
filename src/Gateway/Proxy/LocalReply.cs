using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>Envoy's locally generated replies: status, text/plain body (for upstream failures, <see cref="Gateway.Clusters.Table.UpstreamReplyBodies"/>).</summary>
public static class LocalReply
{
    private static readonly StringValues TextPlain = new("text/plain");

    /// <summary>Writes a reply with Envoy's headers; a body gets content-type text/plain.</summary>
    public static Task WriteAsync(HttpContext context, int status, byte[]? body, StringValues server)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (!server.Equals(StringValues.Empty))
        {
            response.Headers.Server = server;
        }

        if (body is null || body.Length == 0)
        {
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        response.ContentType = TextPlain;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }
}
