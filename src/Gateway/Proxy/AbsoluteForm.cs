using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// An absolute-form request target (<c>GET http://host/path</c>, what a client configured with a proxy
/// sends): as Envoy's codec does (RFC 9112 3.2.2), the Host comes from the URI and the path and query
/// are routed and forwarded.
/// </summary>
internal static class AbsoluteForm
{
    /// <summary>Rewrites the request to origin form; returns the new raw target.</summary>
    public static string Apply(HttpRequest request, IHttpRequestFeature feature, string rawTarget)
    {
        var schemeEnd = rawTarget.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return rawTarget;
        }

        var authorityStart = schemeEnd + 3;
        var pathStart = rawTarget.IndexOfAny(['/', '?'], authorityStart);
        var authority = pathStart < 0 ? rawTarget[authorityStart..] : rawTarget[authorityStart..pathStart];
        var target = pathStart < 0 ? "/" : rawTarget[pathStart] == '?' ? "/" + rawTarget[pathStart..] : rawTarget[pathStart..];
        if (authority.Length > 0)
        {
            request.Host = new HostString(authority);
        }

        feature.RawTarget = target;
        return target;
    }
}
