using Gateway.Clusters.Stats;

namespace Gateway.Filters;

/// <summary>Writes one filter's counters under <c>http.&lt;hcm prefix&gt;.&lt;scope&gt;</c> (e.g. scope <c>compressor.lib.gzip.</c>), tagged as <see cref="HttpStatPrefix"/> does.</summary>
public readonly struct HttpFilterStatsWriter
{
    private readonly IStatsWriter _writer;
    private readonly HttpStatPrefix _prefix;
    private readonly string _scope;

    public HttpFilterStatsWriter(IStatsWriter writer, HttpStatPrefix prefix, string scope)
    {
        _writer = writer;
        _prefix = prefix;
        _scope = scope;
    }

    public void Counter(string name, ref long value) => _prefix.Counter(_writer, _scope + name, ref value);
}
