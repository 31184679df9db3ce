namespace Gateway.Clusters.Model;

/// <summary>A whole envoy.yaml, validated: what one snapshot of the gateway serves.</summary>
/// <param name="SourceFile">The file as the user named it, for messages and the config dump.</param>
public sealed record BootstrapConfig(
    string SourceFile,
    AdminConfig? Admin,
    IReadOnlyList<ListenerConfig> Listeners,
    IReadOnlyList<ClusterConfig> Clusters)
{
    /// <summary>node.cluster: Envoy's local cluster name, sent back by the health_check filter as x-envoy-upstream-healthchecked-cluster.</summary>
    public string NodeCluster { get; init; } = "";

    /// <summary>stats_sinks (statsd and DogStatsD over UDP); empty when none.</summary>
    public IReadOnlyList<StatsSinkConfig> StatsSinks { get; init; } = [];

    /// <summary>stats_flush_interval: how often the sinks are sent the stats (Envoy's default 5 s).</summary>
    public TimeSpan StatsFlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>node.id (or --service-node): sent as x-envoy-downstream-service-node by an HCM with add_user_agent.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The file's text as loaded, from which /config_dump renders what was configured.</summary>
    public string SourceText { get; init; } = "";

    /// <summary>layered_runtime (empty when the bootstrap has none: every runtime key takes its default).</summary>
    public RuntimeConfig Runtime { get; init; } = RuntimeConfig.Empty;

    /// <summary>The LDS / CDS files (path_config_source) whose resources were loaded, for /config_dump's dynamic sections.</summary>
    public IReadOnlyList<DynamicResourceFile> DynamicFiles { get; init; } = [];

    /// <summary>Files besides the bootstrap whose change reloads the config (the path_config_source files).</summary>
    public IReadOnlyList<string> DependentFiles { get; init; } = [];
}
