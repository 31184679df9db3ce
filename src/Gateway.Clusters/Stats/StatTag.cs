namespace Gateway.Clusters.Stats;

/// <summary>
/// One tag Envoy's tag extraction pulls out of a stat name for Prometheus, e.g.
/// <c>envoy_cluster_name="demo"</c> out of <c>cluster.demo.upstream_rq_total</c>.
/// </summary>
public readonly record struct StatTag(string Name, string Value);
