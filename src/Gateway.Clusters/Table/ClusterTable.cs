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

    /// <summary>Entries a newer table took over; this table must not dispose them.</summary>
    private readonly HashSet<ClusterEntry> _handedOver = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _handOverLock = new();

    public ClusterTable(IEnumerable<ClusterConfig> clusters)
        : this(clusters, previous: null)
    {
    }

    /// <summary>
    /// Builds the table of a reloaded config. A cluster whose config is unchanged (same canonical form)
    /// keeps the previous table's entry, so its pool, health state and stats carry on; the previous
    /// table then leaves that entry alone when it is disposed.
    /// </summary>
    public ClusterTable(IEnumerable<ClusterConfig> clusters, ClusterTable? previous)
    {
        var reused = 0;
        _entries = clusters.ToFrozenDictionary(
            c => c.Name,
            c =>
            {
                if (previous?.TakeOver(c) is { } kept)
                {
                    reused++;
                    return kept;
                }

                return new ClusterEntry(c);
            },
            StringComparer.Ordinal);
        Reused = reused;
    }

    /// <summary>How many entries came from the previous table (for logs and tests).</summary>
    public int Reused { get; }

    private ClusterEntry? TakeOver(ClusterConfig config)
    {
        if (!_entries.TryGetValue(config.Name, out var entry) || entry.CanonicalConfig != ClusterConfigCanonicalForm.Of(config))
        {
            return null;
        }

        lock (_handOverLock)
        {
            _handedOver.Add(entry);
        }

        return entry;
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
            lock (_handOverLock)
            {
                if (_handedOver.Contains(entry))
                {
                    continue;
                }
            }

            entry.Dispose();
        }
    }
}
