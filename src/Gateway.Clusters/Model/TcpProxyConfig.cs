namespace Gateway.Clusters.Model;

/// <summary>envoy.filters.network.tcp_proxy.</summary>
/// <param name="Cluster">The cluster, or null when <paramref name="WeightedClusters"/> is used.</param>
/// <param name="IdleTimeout">idle_timeout (Envoy's default 1 h); null = none (0s in the config).</param>
/// <param name="MaxConnectAttempts">max_connect_attempts (default 1).</param>
public sealed record TcpProxyConfig(
    string StatPrefix,
    string? Cluster,
    IReadOnlyList<WeightedClusterEntryConfig> WeightedClusters,
    TimeSpan? IdleTimeout,
    int MaxConnectAttempts,
    TimeSpan? MaxDownstreamConnectionDuration,
    IReadOnlyList<AccessLogConfig> AccessLogs);
