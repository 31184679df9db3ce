using Gateway.Clusters.Stats;

namespace Gateway.Filters;

/// <summary>
/// Writes one filter's counters under <c>http.&lt;hcm prefix&gt;.&lt;scope&gt;</c>, tagged with the
/// connection manager prefix the way Envoy's tag extraction does for every <c>http.*</c> stat.
/// </summary>
public readonly struct HttpFilterStatsWriter
{
    private readonly IStatsWriter _writer;
    private readonly string _prefix;
    private readonly string _tagPrefix;
    private readonly StatTag[] _tags;

    /// <param name="scope">The filter's part of the name with its trailing dot, e.g. <c>csrf.</c> or <c>compressor.lib.gzip.</c>.</param>
    public HttpFilterStatsWriter(IStatsWriter writer, string hcmStatPrefix, string scope)
    {
        _writer = writer;
        _prefix = "http." + hcmStatPrefix + "." + scope;
        _tagPrefix = "http." + scope;
        _tags = [new StatTag("envoy_http_conn_manager_prefix", hcmStatPrefix)];
    }

    public void Counter(string name, ref long value) => _writer.Counter(_prefix + name, ref value, _tagPrefix + name, _tags);
}
