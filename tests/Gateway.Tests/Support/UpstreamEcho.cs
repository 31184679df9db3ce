using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>
/// What the demo upstream's /anything, /get and /headers saw: headers (case-insensitive, as the
/// upstream received them) and the URL, parsed from its httpbin-shaped JSON.
/// </summary>
public sealed class UpstreamEcho
{
    private UpstreamEcho(Dictionary<string, string> headers, string? url)
    {
        Headers = headers;
        Url = url;
    }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Url { get; }

    /// <summary>Path and query of <see cref="Url"/>.</summary>
    public string? PathAndQuery => Url is null ? null : new Uri(Url).PathAndQuery;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public static async Task<UpstreamEcho> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (doc.RootElement.TryGetProperty("headers", out var h))
        {
            foreach (var p in h.EnumerateObject())
            {
                headers[p.Name] = p.Value.GetString() ?? "";
            }
        }

        var url = doc.RootElement.TryGetProperty("url", out var u) ? u.GetString() : null;
        return new UpstreamEcho(headers, url);
    }
}
