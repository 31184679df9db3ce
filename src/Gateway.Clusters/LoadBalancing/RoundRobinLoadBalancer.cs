using Gateway.Clusters.Table;

namespace Gateway.Clusters.LoadBalancing;

/// <summary>
/// Weighted round robin. Equal weights take a plain counter; unequal weights walk a schedule built
/// once per endpoint set (each endpoint repeated by its weight), so a pick is one array read.
/// </summary>
public sealed class RoundRobinLoadBalancer : ILoadBalancer
{
    private uint _next;
    private UpstreamEndpoint[]? _scheduleFor;
    private UpstreamEndpoint[] _schedule = [];

    public UpstreamEndpoint Pick(UpstreamEndpoint[] endpoints)
    {
        var index = Interlocked.Increment(ref _next);
        if (endpoints.Length == 1)
        {
            return endpoints[0];
        }

        var schedule = ScheduleFor(endpoints);
        return schedule[(int)(index % (uint)schedule.Length)];
    }

    private UpstreamEndpoint[] ScheduleFor(UpstreamEndpoint[] endpoints)
    {
        if (ReferenceEquals(Volatile.Read(ref _scheduleFor), endpoints))
        {
            return _schedule;
        }

        var schedule = BuildSchedule(endpoints);
        _schedule = schedule;
        Volatile.Write(ref _scheduleFor, endpoints);
        return schedule;
    }

    private static UpstreamEndpoint[] BuildSchedule(UpstreamEndpoint[] endpoints)
    {
        if (endpoints.All(e => e.Weight == endpoints[0].Weight))
        {
            return endpoints;
        }

        var gcd = endpoints.Select(e => e.Weight).Aggregate(Gcd);
        var total = endpoints.Sum(e => e.Weight / gcd);
        if (total > 10_000)
        {
            return endpoints;
        }

        // Smooth weighted round robin (as nginx does) spreads a heavy endpoint's turns out evenly.
        var schedule = new UpstreamEndpoint[total];
        var current = new int[endpoints.Length];
        for (var n = 0; n < total; n++)
        {
            var best = 0;
            for (var i = 0; i < endpoints.Length; i++)
            {
                current[i] += endpoints[i].Weight / gcd;
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            schedule[n] = endpoints[best];
        }

        return schedule;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
