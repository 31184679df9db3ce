namespace Gateway.Clusters.Table;

/// <summary>
/// An immutable view of a cluster's endpoints, grouped by priority, keeping only healthy ones in the
/// pick arrays. Rebuilt when membership or health changes (rare), never on the request path.
/// </summary>
public sealed class EndpointSet
{
    public static readonly EndpointSet Empty = new([]);

    private readonly UpstreamEndpoint[][] _healthyByPriority;

    public EndpointSet(IReadOnlyList<UpstreamEndpoint> all)
    {
        All = all.ToArray();
        _healthyByPriority = All
            .Where(e => e.IsHealthy)
            .GroupBy(e => e.Priority)
            .OrderBy(g => g.Key)
            .Select(g => g.ToArray())
            .ToArray();
        HealthyCount = _healthyByPriority.Sum(level => level.Length);
    }

    public UpstreamEndpoint[] All { get; }

    public int HealthyCount { get; }

    /// <summary>The healthy endpoints of the best (lowest) priority that has any; empty when none.</summary>
    public UpstreamEndpoint[] BestPriorityHealthy => _healthyByPriority.Length > 0 ? _healthyByPriority[0] : [];
}
