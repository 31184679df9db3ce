using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters;

/// <summary>
/// Turns a <see cref="LocalReplyData"/> into response headers and body as Envoy's
/// Utility::sendLocalReply does: the status, a text/plain body, or for a gRPC request a trailers-only
/// reply (HTTP 200, grpc-status from the HTTP status, grpc-message from the body).
/// </summary>
public static class LocalReplyWriter
{
    private static readonly StringValues TextPlain = new("text/plain");
    private static readonly StringValues GrpcContentType = new("application/grpc");

    /// <summary>Sets status and headers for <paramref name="reply"/>; <paramref name="body"/> is what to write (empty for gRPC).</summary>
    public static void Prepare(HttpFilterContext context, LocalReplyData reply, out ReadOnlyMemory<byte> body)
    {
        RecordFlags(context, reply);
        var http = context.HttpContext;
        var response = http.Response;
        context.AddLocalReplyHeaders(response);
        if (IsGrpc(http.Request))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = GrpcContentType;
            var headers = response.Headers;
            headers["grpc-status"] = HttpToGrpcStatus(reply.Status).ToString(CultureInfo.InvariantCulture);
            if (!reply.Body.IsEmpty)
            {
                headers["grpc-message"] = PercentEncode(Encoding.UTF8.GetString(reply.Body.Span));
            }

            response.ContentLength = 0;
            reply.ModifyHeaders?.Invoke(headers);
            body = ReadOnlyMemory<byte>.Empty;
            return;
        }

        response.StatusCode = reply.Status;
        body = reply.Body;
        if (body.IsEmpty)
        {
            response.ContentLength = 0;
        }
        else
        {
            response.ContentType = reply.ContentType is null ? TextPlain : new StringValues(reply.ContentType);
            response.ContentLength = body.Length;
        }

        reply.ModifyHeaders?.Invoke(response.Headers);
    }

    /// <summary>The reply's response flag and details go on the request first: local_reply_config filters and formats read them.</summary>
    public static void RecordFlags(HttpFilterContext context, LocalReplyData reply)
    {
        if (reply.ResponseFlag is not null)
        {
            context.ResponseFlags = reply.ResponseFlag;
        }

        if (reply.Details is not null)
        {
            context.ResponseCodeDetails = reply.Details;
        }
    }

    /// <summary>Writes a local reply with no filter chain in between (after local_reply_config).</summary>
    public static Task WriteDirectAsync(HttpFilterContext context, LocalReplyData reply)
    {
        RecordFlags(context, reply);
        reply = context.MapLocalReply(reply);
        Prepare(context, reply, out var body);
        var http = context.HttpContext;
        return body.IsEmpty || HttpMethods.IsHead(http.Request.Method)
            ? Task.CompletedTask
            : http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    /// <summary>
    /// Envoy's Grpc::Common::isGrpcRequestHeaders: content-type exactly application/grpc, or application/grpc+suffix
    /// or with parameters. application/grpc-web is not gRPC: its local replies keep their HTTP status.
    /// </summary>
    public static bool IsGrpc(HttpRequest request)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return type.Length == "application/grpc".Length || type["application/grpc".Length] is '+' or ';';
    }

    /// <summary>Envoy's Grpc::Utility::httpToGrpcStatus.</summary>
    public static int HttpToGrpcStatus(int status) => status switch
    {
        400 => 13, // INTERNAL
        401 => 16, // UNAUTHENTICATED
        403 => 7, // PERMISSION_DENIED
        404 => 12, // UNIMPLEMENTED
        429 or 502 or 503 or 504 => 14, // UNAVAILABLE
        _ => 2, // UNKNOWN
    };

    /// <summary>grpc-message is percent-encoded (gRPC over HTTP/2 spec): bytes outside 0x20-0x7E and '%'.</summary>
    private static string PercentEncode(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
