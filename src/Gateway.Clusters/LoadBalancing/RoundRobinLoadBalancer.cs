using Gateway.Clusters.Table;

namespace Gateway.Clusters.LoadBalancing;

/// <summary>
/// Weighted round robin. Equal weights take a plain counter; unequal weights walk a schedule built
/// once per endpoint set (each endpoint repeated by its weight), so a pick is one array read.
/// </summary>
public sealed class RoundRobinLoadBalancer : ILoadBalancer
{
    private uint _next;

    // The schedule and the endpoint set it was built for, swapped as one object: two separate fields
    // could pair one set with another set's schedule while two sets are being picked from at once.
    private Schedule? _schedule;

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
        var current = Volatile.Read(ref _schedule);
        if (current is not null && ReferenceEquals(current.For, endpoints))
        {
            return current.Picks;
        }

        var schedule = new Schedule(endpoints, BuildSchedule(endpoints));
        Volatile.Write(ref _schedule, schedule);
        return schedule.Picks;
    }

    private sealed record Schedule(UpstreamEndpoint[] For, UpstreamEndpoint[] Picks);

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
