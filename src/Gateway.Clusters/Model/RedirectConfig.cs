namespace Gateway.Clusters.Model;

/// <summary>Envoy's RedirectAction; unset parts keep the request's own (scheme, host, port, path).</summary>
public sealed record RedirectConfig(
    string? Scheme,
    string? Host,
    int? Port,
    string? Path,
    string? PrefixRewrite,
    RegexRewriteConfig? RegexRewrite,
    int ResponseCode,
    bool StripQuery);
