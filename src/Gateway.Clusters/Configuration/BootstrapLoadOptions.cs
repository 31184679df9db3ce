namespace Gateway.Clusters.Configuration;

/// <summary>How to load an envoy.yaml.</summary>
/// <param name="IgnoreUnsupported">Start even when Envoy fields this gateway does not implement are present (each is warned).</param>
/// <param name="FilterParsers">The HTTP filters this gateway knows, each parsing its own config.</param>
public sealed record BootstrapLoadOptions(bool IgnoreUnsupported, IReadOnlyList<IHttpFilterConfigParser> FilterParsers)
{
    /// <summary>--config-yaml: a bootstrap merged over the file (Envoy's MergeFrom); null: none.</summary>
    public string? OverlayYaml { get; init; }

    /// <summary>--service-cluster: replaces node.cluster when not empty (Envoy's LocalInfo).</summary>
    public string ServiceCluster { get; init; } = "";

    /// <summary>--service-node: replaces node.id when not empty.</summary>
    public string ServiceNode { get; init; } = "";
}
