using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// Builds the Location of a redirect route from the request and the RedirectAction, as Envoy's
/// RouteEntryImplBase::newUri: scheme_redirect / https_redirect, else the request's <c>:scheme</c> (for
/// HTTP/1 that is <c>x-forwarded-proto</c> when it names http or https); host_redirect, else the request's
/// Host with its port kept unless port_redirect replaces it or the scheme changes away from the default
/// port of the <c>x-forwarded-proto</c> scheme; port_redirect appended as given; the path rewritten by
/// path_redirect, prefix_rewrite or regex_rewrite; strip_query.
/// </summary>
internal static class RedirectLocation
{
    public static string Build(CompiledRoute route, HttpRequest request, string rawTarget, int pathLength)
    {
        var redirect = route.Redirect!;
        var forwardedProto = request.Headers[HeaderNames.XForwardedProto].ToString();
        var scheme = redirect.Scheme ?? RequestScheme(request, forwardedProto);
        var port = redirect.Port is > 0 and var p ? ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        var host = redirect.Host ?? RequestHost(request.Host.Value ?? "", scheme, forwardedProto, port.Length > 0);

        // The request's :path after the redirect's own path rewrite (Envoy rewrites :path, then builds the URI from it).
        var path = rawTarget[..pathLength];
        var query = rawTarget[pathLength..];
        var stripQuery = redirect.StripQuery;
        if (redirect.Path is { } newPath)
        {
            // path_redirect replaces the path; a query in it replaces the request's and is never stripped.
            path = newPath;
            if (newPath.Contains('?'))
            {
                query = "";
                stripQuery = false;
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

        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        if (stripQuery)
        {
            query = "";
            var q = path.IndexOf('?');
            if (q >= 0)
            {
                path = path[..q];
            }
        }

        return string.Concat(scheme, "://", host, port, path + query);
    }

    /// <summary>
    /// The request's <c>:scheme</c> as Envoy sets it: HTTP/2 and HTTP/3 carry their own; for HTTP/1 it is
    /// x-forwarded-proto (sanitised by the connection manager) when that is http or https, else the
    /// connection's (TLS or not).
    /// </summary>
    private static string RequestScheme(HttpRequest request, string forwardedProto)
    {
        if (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))
        {
            return request.Scheme;
        }

        return forwardedProto.Equals("http", StringComparison.OrdinalIgnoreCase) || forwardedProto.Equals("https", StringComparison.OrdinalIgnoreCase)
            ? forwardedProto
            : request.Scheme;
    }

    /// <summary>
    /// Envoy's processRequestHost: the request's Host keeps its port unless port_redirect is set, or the
    /// scheme changes and the port is the default one of the x-forwarded-proto scheme (http://a:80 to https://a).
    /// </summary>
    private static string RequestHost(string requestHost, string newScheme, string forwardedProto, bool hasNewPort)
    {
        if (requestHost.Length == 0)
        {
            return requestHost;
        }

        int hostEnd;
        if (requestHost[0] == '[')
        {
            hostEnd = requestHost.LastIndexOf("]:", StringComparison.Ordinal);
            if (hostEnd >= 0)
            {
                hostEnd++;
            }
        }
        else
        {
            hostEnd = requestHost.LastIndexOf(':');
        }

        if (hostEnd < 0)
        {
            return requestHost;
        }

        var requestPort = requestHost.AsSpan(hostEnd);
        var removePort = hasNewPort;
        if (!string.Equals(newScheme, forwardedProto, StringComparison.Ordinal))
        {
            removePort |= forwardedProto == "https" && requestPort.SequenceEqual(":443");
            removePort |= forwardedProto == "http" && requestPort.SequenceEqual(":80");
        }

        return removePort ? requestHost[..hostEnd] : requestHost;
    }
}
