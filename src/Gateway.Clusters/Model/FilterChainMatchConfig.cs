namespace Gateway.Clusters.Model;

/// <summary>
/// Envoy's FilterChainMatch. Empty lists and null mean "any"; Envoy checks the criteria in the
/// order of the properties here, most specific first at each step.
/// </summary>
public sealed record FilterChainMatchConfig(
    int? DestinationPort,
    IReadOnlyList<CidrRangeConfig> PrefixRanges,
    IReadOnlyList<string> ServerNames,
    string TransportProtocol,
    IReadOnlyList<string> ApplicationProtocols,
    IReadOnlyList<CidrRangeConfig> DirectSourcePrefixRanges,
    ConnectionSourceType SourceType,
    IReadOnlyList<CidrRangeConfig> SourcePrefixRanges,
    IReadOnlyList<int> SourcePorts)
{
    public static readonly FilterChainMatchConfig Any = new(null, [], [], "", [], [], ConnectionSourceType.Any, [], []);

    /// <summary>True when no criterion is set: the chain takes every connection.</summary>
    public bool IsAny =>
        DestinationPort is null && PrefixRanges.Count == 0 && ServerNames.Count == 0 && TransportProtocol.Length == 0
        && ApplicationProtocols.Count == 0 && DirectSourcePrefixRanges.Count == 0 && SourceType == ConnectionSourceType.Any
        && SourcePrefixRanges.Count == 0 && SourcePorts.Count == 0;
}
