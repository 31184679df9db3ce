namespace Gateway.Clusters.Model;

/// <summary>envoy.type.v3.Int64Range: start inclusive, end exclusive.</summary>
public sealed record Int64RangeConfig(long Start, long End);
