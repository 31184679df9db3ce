namespace Gateway.Clusters.Table;

/// <summary>
/// An immutable view of a cluster's endpoints, grouped by priority, with Envoy's load balancer state
/// precomputed (LoadBalancerBase::recalculatePerPriorityState): each priority's health is its healthy
/// share times the overprovisioning factor (1.4 by default), the load spills from a priority to the next
/// as its health falls below 100, and a priority whose healthy share is under healthy_panic_threshold (50%
/// by default) is in panic: its pick ignores health and takes any of its hosts. With no healthy host
/// anywhere every priority panics (total panic, load by host count), unless the threshold is 0: then
/// nothing is picked ("no healthy upstream"). Rebuilt when membership or health changes (rare), never on
/// the request path; a single priority taking all the load is picked with no random roll.
/// </summary>
public sealed class EndpointSet
{
    public static readonly EndpointSet Empty = new([]);

    private readonly UpstreamEndpoint[][] _healthyByPriority;
    private readonly UpstreamEndpoint[][] _pickByPriority;
    private readonly bool[] _panic;
    private readonly int[] _cumulativeLoad;
    private readonly UpstreamEndpoint[]? _single;
    private readonly bool _singlePanic;

    /// <param name="panicThreshold">common_lb_config.healthy_panic_threshold, in percent (Envoy's default 50; 0 disables panic).</param>
    /// <param name="overprovisioningFactor">load_assignment.policy.overprovisioning_factor (Envoy's default 140, i.e. 1.4).</param>
    public EndpointSet(IReadOnlyList<UpstreamEndpoint> all, double panicThreshold = 50, int overprovisioningFactor = 140)
    {
        All = all.ToArray();
        PanicThreshold = panicThreshold;
        OverprovisioningFactor = overprovisioningFactor;
        var levels = All.GroupBy(e => e.Priority).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        _healthyByPriority = levels.Select(level => level.Where(e => e.IsHealthy).ToArray()).ToArray();
        HealthyCount = _healthyByPriority.Sum(level => level.Length);
        var count = levels.Length;
        var health = new long[count];
        for (var i = 0; i < count; i++)
        {
            health[i] = Math.Min(100, (long)overprovisioningFactor * _healthyByPriority[i].Length / levels[i].Length);
        }

        var normalizedTotal = Math.Min(100, health.Sum());
        var load = new long[count];
        _panic = new bool[count];
        if (normalizedTotal == 0)
        {
            // Total panic: the load follows the host counts, and every priority picks among all its hosts.
            var hosts = All.Length;
            for (var i = 0; i < count && panicThreshold > 0; i++)
            {
                load[i] = 100L * levels[i].Length / hosts;
                _panic[i] = true;
            }
        }
        else
        {
            var remaining = 100L;
            for (var i = 0; i < count; i++)
            {
                load[i] = Math.Min(remaining, health[i] * 100 / normalizedTotal);
                remaining -= load[i];
                _panic[i] = 100.0 * _healthyByPriority[i].Length / levels[i].Length < panicThreshold;
            }
        }

        // Rounding leaves a remainder: the first priority that takes load gets it (Envoy's distributeLoad).
        var rest = 100 - load.Sum();
        var first = Array.FindIndex(load, l => l > 0);
        if (rest > 0 && first >= 0)
        {
            load[first] += rest;
        }

        _pickByPriority = new UpstreamEndpoint[count][];
        _cumulativeLoad = new int[count];
        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            _pickByPriority[i] = _panic[i] ? levels[i] : _healthyByPriority[i];
            sum += (int)load[i];
            _cumulativeLoad[i] = sum;
            if (load[i] == 100)
            {
                _single = _pickByPriority[i];
                _singlePanic = _panic[i];
            }
        }

        if (sum == 0)
        {
            _single = [];
        }
    }

    public UpstreamEndpoint[] All { get; }

    public int HealthyCount { get; }

    public double PanicThreshold { get; }

    public int OverprovisioningFactor { get; }

    /// <summary>The healthy endpoints of the best (lowest) priority that has any; empty when none.</summary>
    public UpstreamEndpoint[] BestPriorityHealthy => _healthyByPriority.FirstOrDefault(level => level.Length > 0) ?? [];

    /// <summary>The same endpoints with new health (after a health check or an ejection changed it).</summary>
    public EndpointSet WithCurrentHealth() => new(All, PanicThreshold, OverprovisioningFactor);

    /// <summary>The hosts to balance this request over: a priority chosen by load, its healthy hosts or, in panic, all of them; empty when none.</summary>
    public UpstreamEndpoint[] Choose(out bool panic)
    {
        if (_single is { } single)
        {
            panic = _singlePanic;
            return single;
        }

        var roll = Random.Shared.Next(100);
        for (var i = 0; i < _cumulativeLoad.Length; i++)
        {
            if (roll < _cumulativeLoad[i])
            {
                panic = _panic[i];
                return _pickByPriority[i];
            }
        }

        panic = false;
        return [];
    }
}
