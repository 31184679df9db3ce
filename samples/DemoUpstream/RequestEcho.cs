using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace DemoUpstream;

/// <summary>
/// The request-describing fields shared by httpbin endpoints (args, headers, origin, url).
/// </summary>
internal static class RequestEcho
{
    public static void WriteArgs(Utf8JsonWriter writer, HttpRequest request) =>
        JsonResponse.WriteMultiMap(
            writer,
            "args",
            request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.Select(v => v ?? string.Empty).ToArray())));

    public static void WriteHeaders(Utf8JsonWriter writer, HttpRequest request)
    {
        writer.WriteStartObject("headers");

        // Kestrel already merges names case-insensitively; grouping again covers any casing
        // differences the title-casing could collapse.
        var headers = request.Headers
            .GroupBy(h => ToHttpBinHeaderName(h.Key), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in headers)
        {
            writer.WriteString(group.Key, string.Join(",", group.SelectMany(h => h.Value)));
        }

        writer.WriteEndObject();
    }

    public static void WriteOrigin(Utf8JsonWriter writer, HttpContext context) =>
        writer.WriteString("origin", Origin(context));

    public static void WriteUrl(Utf8JsonWriter writer, HttpRequest request) =>
        writer.WriteString("url", request.GetEncodedUrl());

    /// <summary>
    /// httpbin (werkzeug) reports header names with Python's str.title(): a letter is upper-cased
    /// when it does not follow another letter, e.g. <c>x-b3-traceid</c> becomes <c>X-B3-Traceid</c>.
    /// </summary>
    public static string ToHttpBinHeaderName(string name)
    {
        var builder = new StringBuilder(name.Length);
        var previousIsLetter = false;
        foreach (var c in name)
        {
            builder.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Like httpbin: the X-Forwarded-For chain when a proxy (the gateway) provided one, which makes
    /// the gateway's XFF handling visible to tests; otherwise the peer address.
    /// </summary>
    private static string Origin(HttpContext context)
    {
        var forwardedFor = context.Request.Headers["X-Forwarded-For"];
        if (forwardedFor.Count > 0)
        {
            return string.Join(", ", forwardedFor.Select(v => v ?? string.Empty));
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return string.Empty;
        }

        return (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();
    }
}
