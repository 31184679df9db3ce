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
    /// <summary>The legacy <c>cors</c> policy (read by the CORS filter when no typed_per_filter_config policy applies).</summary>
    public CorsPolicyConfig? Cors { get; init; }
}
