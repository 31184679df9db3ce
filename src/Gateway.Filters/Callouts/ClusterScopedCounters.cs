using System.Collections.Concurrent;
using Gateway.Clusters.Stats;

namespace Gateway.Filters.Callouts;

/// <summary>
/// Counters a filter keeps per route target cluster, as Envoy's ext_authz and ratelimit filters report
/// them (<c>cluster.&lt;route cluster&gt;.&lt;scope&gt;.&lt;name&gt;</c>). One fixed set of names per filter.
/// </summary>
public sealed class ClusterScopedCounters : IReportsStats
{
    private readonly string _scope;
    private readonly string[] _names;
    private readonly ConcurrentDictionary<string, long[]> _byCluster = new(StringComparer.Ordinal);

    /// <param name="scope">e.g. <c>ext_authz</c> or <c>ratelimit</c> (with a stat prefix appended when configured).</param>
    public ClusterScopedCounters(string scope, params string[] names)
    {
        _scope = scope;
        _names = names;
    }

    /// <summary>Adds one to counter <paramref name="index"/> (the position in the names) of <paramref name="cluster"/>.</summary>
    public void Increment(string? cluster, int index)
    {
        var counters = _byCluster.GetOrAdd(cluster ?? "", static (_, count) => new long[count], _names.Length);
        Interlocked.Increment(ref counters[index]);
    }

    public long Get(string cluster, int index) => _byCluster.TryGetValue(cluster, out var counters) ? Volatile.Read(ref counters[index]) : 0;

    public void ReportStats(IStatsWriter writer)
    {
        foreach (var (cluster, counters) in _byCluster)
        {
            // Requests with no route cluster (direct responses) have no cluster scope, as in Envoy.
            if (cluster.Length == 0)
            {
                continue;
            }

            var tags = new[] { new StatTag("envoy_cluster_name", cluster) };
            for (var i = 0; i < _names.Length; i++)
            {
                writer.Counter($"cluster.{cluster}.{_scope}.{_names[i]}", ref counters[i], $"cluster.{_scope}.{_names[i]}", tags);
            }
        }
    }
}
