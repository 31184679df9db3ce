using System.Collections.Frozen;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Table;

/// <summary>
/// Every cluster of one config snapshot, looked up by its exact name (Envoy's cluster manager). The
/// table is immutable; a reload builds a new one and swaps it in while calls in flight finish on the
/// old one.
/// </summary>
public sealed class ClusterTable : IDisposable
{
    private readonly FrozenDictionary<string, ClusterEntry> _entries;

    public ClusterTable(IEnumerable<ClusterConfig> clusters)
    {
        _entries = clusters.ToFrozenDictionary(c => c.Name, c => new ClusterEntry(c), StringComparer.Ordinal);
    }

    public static readonly ClusterTable Empty = new([]);

    public int Count => _entries.Count;

    public IEnumerable<ClusterEntry> Entries => _entries.Values;

    public IEnumerable<string> Names => _entries.Keys;

    public bool TryGet(string name, out ClusterEntry entry) => _entries.TryGetValue(name, out entry!);

    /// <summary>Resolves DNS clusters; waits at most <paramref name="wait"/> so start-up stays fast.</summary>
    public Task StartAsync(TimeSpan wait) => Task.WhenAll(_entries.Values.Select(e => e.StartAsync(wait)));

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Dispose();
        }
    }
}
