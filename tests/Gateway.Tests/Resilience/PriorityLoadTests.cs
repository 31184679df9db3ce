using Gateway.Clusters.Table;

namespace Gateway.Tests.Resilience;

/// <summary>
/// Envoy's priority load and panic (LoadBalancerBase::recalculatePerPriorityState): health is the healthy
/// share times 1.4, load spills to the next priority as health falls under 100, a priority under the
/// panic threshold picks among all its hosts, and with nothing healthy the load follows host counts.
/// </summary>
public sealed class PriorityLoadTests
{
    private static UpstreamEndpoint Host(int port, int priority, bool healthy)
    {
        var host = new UpstreamEndpoint("127.0.0.1", port, 1, priority, tls: false);
        if (!healthy)
        {
            host.FailedActiveHealthCheck = true;
        }

        return host;
    }

    /// <summary>How often each priority is chosen in 20,000 picks, in percent, and whether any pick was in panic.</summary>
    private static (double[] Share, bool AnyPanic) Shares(EndpointSet set, int priorities)
    {
        var counts = new int[priorities];
        var anyPanic = false;
        const int Picks = 20_000;
        for (var i = 0; i < Picks; i++)
        {
            var hosts = set.Choose(out var panic);
            anyPanic |= panic;
            if (hosts.Length > 0)
            {
                counts[hosts[0].Priority]++;
            }
        }

        return (counts.Select(c => 100.0 * c / Picks).ToArray(), anyPanic);
    }

    [Fact]
    public void A_priority_that_is_72_percent_healthy_still_takes_all_the_load()
    {
        // 3 of 4 healthy: health min(100, 140 * 3 / 4) = 100.
        var set = new EndpointSet([Host(1, 0, true), Host(2, 0, true), Host(3, 0, true), Host(4, 0, false), Host(5, 1, true)]);
        var hosts = set.Choose(out var panic);
        Assert.False(panic);
        Assert.Equal([1, 2, 3], hosts.Select(h => h.Port).Order());
        Assert.Equal(100, Shares(set, 2).Share[0]);
    }

    [Fact]
    public void Load_spills_to_the_next_priority_as_health_falls()
    {
        // P0 half healthy: health 70, P1 all healthy: 100; the total is capped at 100, so P0 takes 70% and P1 30%.
        var set = new EndpointSet([Host(1, 0, true), Host(2, 0, false), Host(3, 1, true)]);
        var (share, anyPanic) = Shares(set, 2);
        Assert.InRange(share[0], 67, 73);
        Assert.InRange(share[1], 27, 33);
        Assert.False(anyPanic);
    }

    [Fact]
    public void A_priority_under_the_panic_threshold_picks_among_all_its_hosts()
    {
        // P0 one of three healthy (33% < 50%): in panic; its load is 46 (140 * 1 / 3), the rest spills to P1.
        var set = new EndpointSet([Host(1, 0, true), Host(2, 0, false), Host(3, 0, false), Host(4, 1, true)]);
        var seenP0 = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            var hosts = set.Choose(out var panic);
            if (hosts[0].Priority == 0)
            {
                Assert.True(panic);
                seenP0.UnionWith(hosts.Select(h => h.Port));
            }
        }

        Assert.Equal([1, 2, 3], seenP0.Order());
    }

    [Fact]
    public void With_nothing_healthy_every_priority_panics_and_load_follows_host_counts()
    {
        var set = new EndpointSet([Host(1, 0, false), Host(2, 1, false), Host(3, 1, false), Host(4, 1, false)]);
        var (share, anyPanic) = Shares(set, 2);
        Assert.True(anyPanic);
        Assert.InRange(share[0], 22, 28);
        Assert.InRange(share[1], 72, 78);
    }

    [Fact]
    public void A_zero_threshold_disables_panic_and_then_nothing_is_picked()
    {
        var set = new EndpointSet([Host(1, 0, false), Host(2, 0, false)], panicThreshold: 0);
        Assert.Empty(set.Choose(out var panic));
        Assert.False(panic);
        var partial = new EndpointSet([Host(1, 0, true), Host(2, 0, false), Host(3, 0, false)], panicThreshold: 0);
        Assert.Equal([1], partial.Choose(out panic).Select(h => h.Port));
        Assert.False(panic);
    }

    [Fact]
    public void A_lower_overprovisioning_factor_spills_sooner()
    {
        // Factor 100: P0 at 3 of 4 healthy has health 75, so 25% goes to P1.
        var set = new EndpointSet([Host(1, 0, true), Host(2, 0, true), Host(3, 0, true), Host(4, 0, false), Host(5, 1, true)], overprovisioningFactor: 100);
        var (share, _) = Shares(set, 2);
        Assert.InRange(share[0], 72, 78);
    }
}
