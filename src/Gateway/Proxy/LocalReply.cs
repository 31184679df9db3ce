using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>Envoy's locally generated replies: status, text/plain body, response flag.</summary>
public static class LocalReply
{
    public static readonly byte[] NoHealthyUpstream = Encoding.ASCII.GetBytes("no healthy upstream");
    public static readonly byte[] ConnectionFailure = Encoding.ASCII.GetBytes("upstream connect error or disconnect/reset before headers. reset reason: connection failure");
    public static readonly byte[] ConnectionTimeout = Encoding.ASCII.GetBytes("upstream connect error or disconnect/reset before headers. reset reason: connection timeout");
    public static readonly byte[] ConnectionTermination = Encoding.ASCII.GetBytes("upstream connect error or disconnect/reset before headers. reset reason: connection termination");
    public static readonly byte[] RequestTimeout = Encoding.ASCII.GetBytes("upstream request timeout");
    public static readonly byte[] Overflow = Encoding.ASCII.GetBytes("upstream connect error or disconnect/reset before headers. reset reason: overflow");

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
