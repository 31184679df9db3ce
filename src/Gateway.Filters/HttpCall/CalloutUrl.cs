namespace Gateway.Filters.HttpCall;

/// <summary>
/// Splits the configured URL the way wasm-go's <c>HttpCall</c> uses Go's <c>url.Parse</c>: a host in
/// the URL becomes the authority; <c>:path</c> is <c>/</c> + the path without its leading <c>/</c>, plus
/// <c>?query</c> when there is one; the fragment is dropped. One difference on purpose: Go rebuilds the
/// path from its decoded form (<c>%20</c> becomes a raw space, which Envoy would reject); here the path
/// keeps its escapes.
/// </summary>
internal static class CalloutUrl
{
    /// <param name="raw">The configured <c>path</c>: <c>/echo/post</c>, <c>echo/post</c>, <c>http://host:8080/p?q#f</c>, <c>//host/p</c>.</param>
    /// <param name="host">The URL's host (with port, as Go's <c>URL.Host</c>), or null when it names none.</param>
    /// <param name="pathAndQuery">The callout's <c>:path</c>.</param>
    public static void Split(string raw, out string? host, out string pathAndQuery)
    {
        var rest = raw;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        host = null;
        var schemeEnd = SchemeLength(rest);
        if (schemeEnd > 0 && rest.AsSpan(schemeEnd).StartsWith("//"))
        {
            rest = rest[(schemeEnd + 2)..];
            host = TakeAuthority(ref rest);
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // A network-path reference: Go's url.Parse reads a host here too.
            rest = rest[2..];
            host = TakeAuthority(ref rest);
        }

        var query = "";
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = rest[(question + 1)..];
            rest = rest[..question];
        }

        // strings.TrimPrefix removes one '/' only.
        var path = "/" + (rest.StartsWith('/') ? rest[1..] : rest);
        pathAndQuery = query.Length == 0 ? path : path + "?" + query;
        if (host is { Length: 0 })
        {
            host = null;
        }
    }

    private static string TakeAuthority(ref string rest)
    {
        var end = rest.IndexOfAny(['/', '?']);
        var authority = end < 0 ? rest : rest[..end];
        rest = end < 0 ? "" : rest[end..];
        // userinfo@ is not part of Go's URL.Host.
        var at = authority.LastIndexOf('@');
        return at >= 0 ? authority[(at + 1)..] : authority;
    }

    /// <summary>Length of <c>scheme:</c> (letter, then letters, digits, + - .), or 0 when there is none.</summary>
    private static int SchemeLength(string text)
    {
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            return 0;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ':')
            {
                return i + 1;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return 0;
            }
        }

        return 0;
    }
}
