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

    /// <summary>The file's text as loaded, from which /config_dump renders what was configured.</summary>
    public string SourceText { get; init; } = "";

    /// <summary>layered_runtime (empty when the bootstrap has none: every runtime key takes its default).</summary>
    public RuntimeConfig Runtime { get; init; } = RuntimeConfig.Empty;
}
