using Gateway.Clusters.Stats;

namespace Gateway.Stats;

/// <summary>
/// Reads every stat reported to it into samples sorted by name. Two sources reporting the same name
/// (two listeners sharing a stat_prefix) are summed, as they would share one scope in Envoy.
/// </summary>
public sealed class StatsCollector : IStatsWriter
{
    private readonly Dictionary<string, StatSample> _samples = new(StringComparer.Ordinal);

    public void Counter(string name, ref long value, string? tagExtractedName = null, StatTag[]? tags = null) =>
        Add(name, tagExtractedName, tags, StatKind.Counter, Volatile.Read(ref value));

    public void Gauge(string name, long value, string? tagExtractedName = null, StatTag[]? tags = null) =>
        Add(name, tagExtractedName, tags, StatKind.Gauge, value);

    /// <summary>The samples in ordinal name order, as Envoy's /stats lists them.</summary>
    public IReadOnlyList<StatSample> Sorted() => _samples.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    private void Add(string name, string? tagExtractedName, StatTag[]? tags, StatKind kind, long value)
    {
        if (_samples.TryGetValue(name, out var existing))
        {
            _samples[name] = existing with { Value = existing.Value + value };
            return;
        }

        _samples[name] = new StatSample(name, tagExtractedName ?? name, tags ?? [], kind, value);
    }
}
