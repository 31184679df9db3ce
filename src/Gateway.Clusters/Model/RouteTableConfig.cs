namespace Gateway.Clusters.Model;

/// <summary>Envoy's RouteConfiguration: virtual hosts in order, plus header edits for all of them.</summary>
public sealed record RouteTableConfig(string Name, IReadOnlyList<VirtualHostConfig> VirtualHosts, HeaderMutationConfig Headers)
{
    /// <summary>typed_per_filter_config, keyed by http filter name (parsed by each filter).</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; init; } = PerFilterConfig.None;

    /// <summary>
    /// most_specific_header_mutations_wins: the header edits of the route table, virtual host and route are applied
    /// least specific first (so the route's win), instead of Envoy's default most specific first.
    /// </summary>
    public bool MostSpecificHeaderMutationsWins { get; init; }
}
