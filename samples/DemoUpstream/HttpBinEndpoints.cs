using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DemoUpstream;

/// <summary>The httpbin-compatible endpoints plus the gateway-specific helpers (/echo/post, /ws).</summary>
internal static class HttpBinEndpoints
{
    private const int MaxBytes = 10 * 1024 * 1024;
    private const double MaxDelaySeconds = 10;

    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    private const string IndexText =
        "demo upstream: /get /headers /post /put /patch /delete /anything[/...] /status/{code} " +
        "/delay/{seconds} /echo/post /bytes/{n} /stream-bytes/{n} /ws\n";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/", GetOrHead, Index);
        routes.MapMethods("/get", GetOrHead, Get);
        routes.MapMethods("/headers", GetOrHead, Headers);

        routes.MapPost("/post", BodyEcho);
        routes.MapPut("/put", BodyEcho);
        routes.MapPatch("/patch", BodyEcho);
        routes.MapDelete("/delete", BodyEcho);
        routes.Map("/anything", BodyEcho);
        routes.Map("/anything/{**rest}", BodyEcho);

        // Status codes are parsed by hand (not with a route constraint) so bad input is a 400, not a 404.
        routes.Map("/status/{code}", Status);
        routes.Map("/delay/{seconds}", Delay);
        routes.Map("/echo/post", Echo);
        routes.MapMethods("/bytes/{n}", GetOrHead, Bytes);
        routes.MapMethods("/stream-bytes/{n}", GetOrHead, StreamBytes);
        routes.Map("/ws", WebSocketEcho.HandleAsync);
    }

    private static Task Index(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(IndexText, context.RequestAborted);
    }

    private static Task Get(HttpContext context) => JsonResponse.WriteAsync(context, w =>
    {
        RequestEcho.WriteArgs(w, context.Request);
        RequestEcho.WriteHeaders(w, context.Request);
        RequestEcho.WriteOrigin(w, context);
        RequestEcho.WriteUrl(w, context.Request);
    });

    private static Task Headers(HttpContext context) =>
        JsonResponse.WriteAsync(context, w => RequestEcho.WriteHeaders(w, context.Request));

    private static async Task BodyEcho(HttpContext context)
    {
        using var body = await EchoBody.ReadAsync(context.Request, context.RequestAborted);
        await JsonResponse.WriteAsync(context, w =>
        {
            // Alphabetical, matching httpbin's sorted keys.
            RequestEcho.WriteArgs(w, context.Request);
            body.WriteTo(w);
            RequestEcho.WriteHeaders(w, context.Request);
            body.WriteJsonTo(w);
            w.WriteString("method", context.Request.Method);
            RequestEcho.WriteOrigin(w, context);
            RequestEcho.WriteUrl(w, context.Request);
        });
    }

    private static Task Status(HttpContext context)
    {
        // 1xx are interim responses and cannot be a final status.
        if (!TryParseInt(context, "code", out var code) || code is < 200 or > 599)
        {
            return BadRequest(context, "invalid status code");
        }

        context.Response.StatusCode = code;
        return Task.CompletedTask;
    }

    private static async Task Delay(HttpContext context)
    {
        var raw = context.Request.RouteValues["seconds"] as string;
        if (!double.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds))
        {
            await BadRequest(context, "invalid delay");
            return;
        }

        // Like httpbin, longer delays are clamped rather than rejected.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(seconds, MaxDelaySeconds)), context.RequestAborted);
        await Get(context);
    }

    /// <summary>
    /// Callout target of the gateway's http-call filter, which copies this body into the
    /// X-External-Response header: echo the request body verbatim, or <c>{}</c> when empty.
    /// </summary>
    private static async Task Echo(HttpContext context)
    {
        var body = await EchoBody.ReadAllAsync(context.Request, context.RequestAborted);
        var response = context.Response;
        if (body.Length == 0)
        {
            response.ContentType = "application/json";
            body = "{}"u8.ToArray();
        }
        else
        {
            response.ContentType = context.Request.ContentType ?? "text/plain";
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task Bytes(HttpContext context)
    {
        if (!TryParseInt(context, "n", out var count) || count > MaxBytes)
        {
            await BadRequest(context, "invalid byte count");
            return;
        }

        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = count;
        await WritePatternAsync(context, count, chunkSize: 16 * 1024, flushEachChunk: false);
    }

    /// <summary>Chunked (no Content-Length) and flushed per chunk, for streaming tests.</summary>
    private static async Task StreamBytes(HttpContext context)
    {
        if (!TryParseInt(context, "n", out var count) || count > MaxBytes)
        {
            await BadRequest(context, "invalid byte count");
            return;
        }

        var chunkSize = 10 * 1024;
        if (context.Request.Query.TryGetValue("chunk_size", out var rawChunk)
            && (!int.TryParse(rawChunk, NumberStyles.None, CultureInfo.InvariantCulture, out chunkSize) || chunkSize is < 1 or > 1024 * 1024))
        {
            await BadRequest(context, "invalid chunk_size");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        await WritePatternAsync(context, count, chunkSize, flushEachChunk: true);
    }

    private static async Task WritePatternAsync(HttpContext context, int count, int chunkSize, bool flushEachChunk)
    {
        var seed = 0;
        if (context.Request.Query.TryGetValue("seed", out var rawSeed)
            && !int.TryParse(rawSeed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
        {
            context.Response.ContentLength = null;
            await BadRequest(context, "invalid seed");
            return;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var ct = context.RequestAborted;
        var pattern = new TestPattern(seed);
        var chunk = new byte[Math.Min(chunkSize, Math.Max(count, 1))];
        for (var remaining = count; remaining > 0;)
        {
            var size = Math.Min(chunk.Length, remaining);
            pattern.Fill(chunk.AsSpan(0, size));
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, size), ct);
            if (flushEachChunk)
            {
                await context.Response.Body.FlushAsync(ct);
            }

            remaining -= size;
        }
    }

    private static bool TryParseInt(HttpContext context, string routeKey, out int value) =>
        int.TryParse(context.Request.RouteValues[routeKey] as string, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static Task BadRequest(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
