using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// Envoy's ConnectionManagerUtility::maybeNormalizeHost for one connection manager: strip_trailing_host_dot,
/// then strip_any_host_port or strip_matching_host_port (the listener's own port only). The Host header
/// itself changes, so routing, the filters, redirects, the access log and the upstream all see the
/// normalized one. Built only when one of the three is on.
/// </summary>
internal sealed class HostNormalizer
{
    private readonly bool _trailingDot;
    private readonly bool _anyPort;
    private readonly bool _matchingPort;

    private HostNormalizer(bool trailingDot, bool anyPort, bool matchingPort)
    {
        _trailingDot = trailingDot;
        _anyPort = anyPort;
        _matchingPort = matchingPort;
    }

    public static HostNormalizer? Create(Clusters.Model.HttpConnectionManagerConfig http) =>
        http.StripTrailingHostDot || http.StripAnyHostPort || http.StripMatchingHostPort
            ? new HostNormalizer(http.StripTrailingHostDot, http.StripAnyHostPort, http.StripMatchingHostPort)
            : null;

    public void Apply(HttpRequest request, int listenerPort)
    {
        var host = request.Host.Value;
        if (string.IsNullOrEmpty(host))
        {
            return;
        }

        var normalized = host;
        if (_trailingDot)
        {
            normalized = StripTrailingDot(normalized);
        }

        if (_anyPort || _matchingPort)
        {
            normalized = StripPort(normalized, _anyPort ? null : listenerPort);
        }

        if (!ReferenceEquals(normalized, host))
        {
            request.Host = new HostString(normalized);
        }
    }

    /// <summary>Envoy's HeaderUtility::stripTrailingHostDot: <c>a.test.</c> and <c>a.test.:8080</c> lose the dot.</summary>
    internal static string StripTrailingDot(string host)
    {
        var dot = host.LastIndexOf('.');
        if (dot < 0)
        {
            return host;
        }

        if (dot == host.Length - 1)
        {
            return host[..^1];
        }

        var colon = host.LastIndexOf(':');
        return colon >= 0 && dot == colon - 1 ? string.Concat(host.AsSpan(0, dot), host.AsSpan(colon)) : host;
    }

    /// <summary>Envoy's HeaderUtility::stripPortFromHost: the port goes (only <paramref name="listenerPort"/> when given); IPv6 literals keep their colons.</summary>
    internal static string StripPort(string host, int? listenerPort)
    {
        var colon = HostPort.Start(host);
        if (colon < 0 ||
            !uint.TryParse(host.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ||
            (listenerPort is { } expected && port != expected))
        {
            return host;
        }

        return host[..colon];
    }
}
