using Gateway.Clusters.Model;

namespace Gateway.Routing;

/// <summary>weighted_clusters: a random pick by weight over cumulative weights computed once.</summary>
internal sealed class WeightedClusterPicker
{
    private readonly WeightedClusterEntryConfig[] _entries;
    private readonly WeightedClusterHeaders?[] _headers;
    private readonly int[] _cumulative;
    private readonly int _total;

    public WeightedClusterPicker(IReadOnlyList<WeightedClusterEntryConfig> clusters)
    {
        var entries = clusters.Where(c => c.Weight > 0).ToArray();
        _entries = entries;
        _headers = entries.Select(e => WeightedClusterHeaders.Of(e.Headers)).ToArray();
        _cumulative = new int[entries.Length];
        var sum = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            sum += entries[i].Weight;
            _cumulative[i] = sum;
        }

        _total = sum;
    }

    public string Pick() => _entries[PickIndex()].Name;

    /// <summary>The picked cluster with its own config (typed_per_filter_config) and its compiled header edits (null when none).</summary>
    public (WeightedClusterEntryConfig Entry, WeightedClusterHeaders? Headers) PickEntry()
    {
        var i = PickIndex();
        return (_entries[i], _headers[i]);
    }

    private int PickIndex()
    {
        var roll = Random.Shared.Next(_total);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (roll < _cumulative[i])
            {
                return i;
            }
        }

        return _entries.Length - 1;
    }
}
