using Gateway.Clusters.Stats;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>Envoy's <c>&lt;stat_prefix&gt;.http_local_rate_limit.{enabled,enforced,rate_limited,ok}</c> (rooted at the listener scope, not under http.).</summary>
public sealed class LocalRateLimitStats
{
    public long Enabled;
    public long Enforced;
    public long RateLimited;
    public long Ok;

    public LocalRateLimitStats(string statPrefix)
    {
        Prefix = statPrefix + ".http_local_rate_limit.";
    }

    public string Prefix { get; }

    public void Report(IStatsWriter writer)
    {
        writer.Counter(Prefix + "enabled", ref Enabled);
        writer.Counter(Prefix + "enforced", ref Enforced);
        writer.Counter(Prefix + "rate_limited", ref RateLimited);
        writer.Counter(Prefix + "ok", ref Ok);
    }
}
