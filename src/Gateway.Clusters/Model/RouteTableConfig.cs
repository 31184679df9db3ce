namespace Gateway.Clusters.Model;

/// <summary>Envoy's RouteConfiguration: virtual hosts in order, plus header edits for all of them.</summary>
public sealed record RouteTableConfig(string Name, IReadOnlyList<VirtualHostConfig> VirtualHosts, HeaderMutationConfig Headers)
{
    /// <summary>typed_per_filter_config, keyed by http filter name (parsed by each filter).</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; init; } = PerFilterConfig.None;
}
