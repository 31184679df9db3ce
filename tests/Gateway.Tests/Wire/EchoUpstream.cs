using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Wire;

/// <summary>
/// An upstream that answers with what it received: <c>x-seen-target</c> (raw request target),
/// <c>x-seen-host</c>, <c>x-seen-headers</c> (every header as <c>name=value</c>, joined by <c>|</c>),
/// and the request body as its body.
/// </summary>
public static class EchoUpstream
{
    public static Task<TinyUpstream> StartAsync() => TinyUpstream.StartAsync(async context =>
    {
        var request = context.Request;
        context.Response.Headers["x-seen-target"] = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        context.Response.Headers["x-seen-host"] = request.Host.Value;
        context.Response.Headers["x-seen-headers"] = string.Join("|", request.Headers.Select(h => h.Key.ToLowerInvariant() + "=" + h.Value));
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.ToArray());
    });

    /// <summary>Header <paramref name="name"/> as the upstream saw it (from x-seen-headers), or null.</summary>
    public static string? SeenHeader(RawResponse response, string name) =>
        (response.Header("x-seen-headers") ?? "").Split('|').Select(p => p.Split('=', 2))
            .FirstOrDefault(p => p[0] == name) is { } pair ? pair[1] : null;
}
