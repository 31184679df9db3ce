namespace Gateway.Clusters.Configuration;

/// <summary>How to load an envoy.yaml.</summary>
/// <param name="IgnoreUnsupported">Start even when Envoy fields this gateway does not implement are present (each is warned).</param>
/// <param name="FilterParsers">The HTTP filters this gateway knows, each parsing its own config.</param>
public sealed record BootstrapLoadOptions(bool IgnoreUnsupported, IReadOnlyList<IHttpFilterConfigParser> FilterParsers)
{
    /// <summary>--config-yaml: a bootstrap merged over the file (Envoy's MergeFrom); null: none.</summary>
    public string? OverlayYaml { get; init; }
}
