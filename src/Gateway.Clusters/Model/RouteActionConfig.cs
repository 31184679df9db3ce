namespace Gateway.Clusters.Model;

/// <summary>Envoy's RouteAction: where to forward and how to rewrite on the way.</summary>
public sealed record RouteActionConfig(
    string? Cluster,
    string? ClusterHeader,
    IReadOnlyList<WeightedClusterEntryConfig>? WeightedClusters,
    string? PrefixRewrite,
    RegexRewriteConfig? RegexRewrite,
    string? HostRewriteLiteral,
    bool AutoHostRewrite,
    TimeSpan Timeout,
    TimeSpan? IdleTimeout,
    RetryPolicyConfig? RetryPolicy,
    IReadOnlyList<string> UpgradeTypes,
    int ClusterNotFoundResponseCode)
{
    /// <summary>rate_limits of the route action (for the ratelimit filter); empty when none.</summary>
    public IReadOnlyList<RateLimitPolicyConfig> RateLimits { get; init; } = [];

    /// <summary>include_vh_rate_limits: the virtual host's rate_limits apply too.</summary>
    public bool IncludeVirtualHostRateLimits { get; init; }

    /// <summary>host_rewrite_header: the Host is replaced by the first value of this request header (when present and not empty).</summary>
    public string? HostRewriteHeader { get; init; }

    /// <summary>host_rewrite_path_regex: the Host is the path (without query) with every match replaced by the substitution.</summary>
    public RegexRewriteConfig? HostRewritePathRegex { get; init; }

    /// <summary>append_x_forwarded_host: on a host rewrite, the original Host is appended to x-forwarded-host.</summary>
    public bool AppendXForwardedHost { get; init; }

    /// <summary>The legacy <c>cors</c> policy (read by the CORS filter when no typed_per_filter_config policy applies).</summary>
    public CorsPolicyConfig? Cors { get; init; }

    /// <summary>request_mirror_policies; empty when the route mirrors nothing.</summary>
    public IReadOnlyList<RequestMirrorPolicyConfig> MirrorPolicies { get; init; } = [];

    /// <summary>max_stream_duration; null when the route has none (the route timeout applies).</summary>
    public MaxStreamDurationConfig? MaxStreamDuration { get; init; }
}
