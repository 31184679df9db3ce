namespace Gateway.Clusters.Stats;

/// <summary>
/// Receives stats when the admin interface walks them (never on the request path). A counter is
/// passed by reference so the same walk can read it (/stats) or zero it (/reset_counters).
/// </summary>
public interface IStatsWriter
{
    /// <summary>
    /// A monotonically increasing counter. <paramref name="name"/> is the full Envoy name
    /// (<c>cluster.demo.upstream_rq_total</c>); <paramref name="tagExtractedName"/> and
    /// <paramref name="tags"/> are what Prometheus shows (<c>cluster.upstream_rq_total</c> with
    /// <c>envoy_cluster_name="demo"</c>); without them the full name is used, untagged.
    /// </summary>
    void Counter(string name, ref long value, string? tagExtractedName = null, StatTag[]? tags = null);

    /// <summary>A value that goes up and down (active requests, membership).</summary>
    void Gauge(string name, long value, string? tagExtractedName = null, StatTag[]? tags = null);
}
