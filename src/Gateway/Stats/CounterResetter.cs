using Gateway.Clusters.Stats;

namespace Gateway.Stats;

/// <summary>Zeroes every counter it is shown (POST /reset_counters); gauges keep their values, as in Envoy.</summary>
public sealed class CounterResetter : IStatsWriter
{
    public void Counter(string name, ref long value, string? tagExtractedName = null, StatTag[]? tags = null) =>
        Interlocked.Exchange(ref value, 0);

    public void Gauge(string name, long value, string? tagExtractedName = null, StatTag[]? tags = null)
    {
    }
}
