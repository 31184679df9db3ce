using Gateway.Clusters.Model;

namespace Gateway.Routing;

/// <summary>weighted_clusters: a random pick by weight over cumulative weights computed once.</summary>
internal sealed class WeightedClusterPicker
{
    private readonly WeightedClusterEntryConfig[] _entries;
    private readonly int[] _cumulative;
    private readonly int _total;

    public WeightedClusterPicker(IReadOnlyList<WeightedClusterEntryConfig> clusters)
    {
        var entries = clusters.Where(c => c.Weight > 0).ToArray();
        _entries = entries;
        _cumulative = new int[entries.Length];
        var sum = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            sum += entries[i].Weight;
            _cumulative[i] = sum;
        }

        _total = sum;
    }

    public string Pick() => PickEntry().Name;

    /// <summary>The picked cluster with its own config (typed_per_filter_config, header edits).</summary>
    public WeightedClusterEntryConfig PickEntry()
    {
        var roll = Random.Shared.Next(_total);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (roll < _cumulative[i])
            {
                return _entries[i];
            }
        }

        return _entries[^1];
    }
}
