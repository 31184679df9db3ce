using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>Builds the Location of a redirect route from the request and the RedirectAction.</summary>
internal static class RedirectLocation
{
    public static string Build(CompiledRoute route, HttpRequest request, string rawTarget, int pathLength)
    {
        var redirect = route.Redirect!;
        var scheme = redirect.Scheme ?? request.Scheme;
        var requestHost = request.Host;
        var host = redirect.Host ?? requestHost.Host;
        int? port = redirect.Port is { } p ? (p == 0 ? null : p) : (redirect.Scheme is null && redirect.Host is null ? requestHost.Port : null);
        if (port is not null && ((scheme == "http" && port == 80) || (scheme == "https" && port == 443)))
        {
            port = null;
        }

        var path = rawTarget[..pathLength];
        var query = redirect.StripQuery ? "" : rawTarget[pathLength..];
        if (redirect.Path is { } newPath)
        {
            // path_redirect replaces the path; a query in it replaces the query too.
            path = newPath;
            if (newPath.Contains('?'))
            {
                query = "";
            }
        }
        else if (redirect.PrefixRewrite is { } prefix)
        {
            var matched = route.Matcher.Kind is Clusters.Model.PathMatchKind.Prefix or Clusters.Model.PathMatchKind.PathSeparatedPrefix
                ? Math.Min(route.Matcher.Value.Length, path.Length)
                : path.Length;
            path = prefix + path[matched..];
        }
        else if (route.RedirectRegex is { } regex)
        {
            path = regex.Replace(path, route.RedirectSubstitution!);
        }

        return port is null ? $"{scheme}://{host}{path}{query}" : $"{scheme}://{host}:{port}{path}{query}";
    }
}
