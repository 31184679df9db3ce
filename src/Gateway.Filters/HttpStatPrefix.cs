using Gateway.Clusters.Stats;

namespace Gateway.Filters;

/// <summary>
/// A filter's stats under its connection manager (<c>http.&lt;stat_prefix&gt;.</c>), reported with the
/// tag Envoy's extraction gives them (<c>envoy_http_conn_manager_prefix</c>).
/// </summary>
public sealed class HttpStatPrefix
{
    public HttpStatPrefix(string prefix)
    {
        Prefix = prefix;
        var name = prefix.StartsWith("http.", StringComparison.Ordinal) && prefix.EndsWith('.') && prefix.Length > 6 ? prefix[5..^1] : "";
        Tags = name.Length > 0 ? [new StatTag("envoy_http_conn_manager_prefix", name)] : [];
    }

    /// <summary><c>http.&lt;stat_prefix&gt;.</c>, or "" when the filter was built outside a connection manager.</summary>
    public string Prefix { get; }

    public StatTag[] Tags { get; }

    /// <summary>Reports <c>http.&lt;stat_prefix&gt;.&lt;stat&gt;</c> tagged, Prometheus name <c>http.&lt;stat&gt;</c>.</summary>
    public void Counter(IStatsWriter writer, string stat, ref long value) =>
        writer.Counter(Prefix + stat, ref value, Tags.Length > 0 ? "http." + stat : null, Tags.Length > 0 ? Tags : null);

    public void Gauge(IStatsWriter writer, string stat, long value) =>
        writer.Gauge(Prefix + stat, value, Tags.Length > 0 ? "http." + stat : null, Tags.Length > 0 ? Tags : null);
}
