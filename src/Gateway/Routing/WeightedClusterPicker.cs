using Gateway.Clusters.Model;

namespace Gateway.Routing;

/// <summary>weighted_clusters: a random pick by weight over cumulative weights computed once.</summary>
internal sealed class WeightedClusterPicker
{
    private readonly string[] _names;
    private readonly int[] _cumulative;
    private readonly int _total;

    public WeightedClusterPicker(IReadOnlyList<WeightedClusterEntryConfig> clusters)
    {
        var entries = clusters.Where(c => c.Weight > 0).ToArray();
        _names = entries.Select(c => c.Name).ToArray();
        _cumulative = new int[entries.Length];
        var sum = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            sum += entries[i].Weight;
            _cumulative[i] = sum;
        }

        _total = sum;
    }

    public string Pick()
    {
        var roll = Random.Shared.Next(_total);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (roll < _cumulative[i])
            {
                return _names[i];
            }
        }

        return _names[^1];
    }
}
