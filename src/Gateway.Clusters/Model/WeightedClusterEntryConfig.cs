namespace Gateway.Clusters.Model;

public sealed record WeightedClusterEntryConfig(string Name, int Weight, HeaderMutationConfig Headers)
{
    /// <summary>typed_per_filter_config, keyed by http filter name (parsed by each filter).</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; init; } = PerFilterConfig.None;
}
