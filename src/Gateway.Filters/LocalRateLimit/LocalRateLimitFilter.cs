using Gateway.Clusters.Runtime;
using System.Collections.Concurrent;
using Gateway.Clusters.Stats;
using Gateway.Filters.Headers;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>
/// Envoy's local rate limit filter. The most specific per-route LocalRateLimit replaces the filter's
/// config (bucket, shares, headers, stats prefix). When filter_enabled samples the request it takes a
/// token: ok, or rate_limited; a limited request that filter_enforced samples is refused with status
/// (429) and body <c>local_rate_limited</c>, response_headers_to_add and flag RL; one not enforced goes on
/// with request_headers_to_add_when_not_enforced. Envoy's filter sets no x-envoy-ratelimited header (that
/// is the global ratelimit filter's). With enable_x_ratelimit_headers every answer, the 429 included,
/// carries x-ratelimit-limit/-remaining/-reset of the bucket used.
/// </summary>
public sealed class LocalRateLimitFilter : IHttpFilter, IReportsStats
{
    private static readonly byte[] LimitedBody = "local_rate_limited"u8.ToArray();

    private readonly LocalRateLimitPolicy _policy;

    // Per-route configs report under their own stat_prefix; one set of counters per prefix, as Envoy's store has.
    private readonly ConcurrentDictionary<string, LocalRateLimitStats> _stats = new(StringComparer.Ordinal);
    private readonly LocalRateLimitStats _ownStats;

    private readonly IRuntime? _runtime;

    public LocalRateLimitFilter(string name, LocalRateLimitPolicy policy, IRuntime? runtime = null)
    {
        Name = name;
        _runtime = runtime;
        _policy = policy;
        _ownStats = new LocalRateLimitStats(policy.Settings.StatPrefix);
        _stats[policy.Settings.StatPrefix] = _ownStats;
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    /// <summary>The counters under <paramref name="statPrefix"/> (for tests and the admin).</summary>
    public LocalRateLimitStats StatsFor(string statPrefix) => _stats.GetOrAdd(statPrefix, static p => new LocalRateLimitStats(p));

    public void ReportStats(IStatsWriter writer)
    {
        foreach (var stats in _stats.Values)
        {
            stats.Report(writer);
        }
    }

    private FilterStatus OnRequestHeaders(HttpFilterContext context, Stream stream)
    {
        var policy = context.PerRouteSettings<LocalRateLimitPolicy>(Name) ?? _policy;
        if (!policy.Enabled(_runtime))
        {
            return FilterStatus.Continue;
        }

        var stats = ReferenceEquals(policy, _policy) ? _ownStats : StatsFor(policy.Settings.StatPrefix);
        Interlocked.Increment(ref stats.Enabled);
        var bucket = policy.Bucket;
        if (policy.Settings.EnableXRateLimitHeaders)
        {
            stream.HeadersFrom = bucket;
        }

        if (bucket is null || bucket.TryConsume())
        {
            Interlocked.Increment(ref stats.Ok);
            return FilterStatus.Continue;
        }

        Interlocked.Increment(ref stats.RateLimited);
        if (!policy.Enforced(_runtime))
        {
            HeaderValueOptionWriter.Apply(context.HttpContext.Request.Headers, policy.Settings.RequestHeadersToAddWhenNotEnforced);
            return FilterStatus.Continue;
        }

        Interlocked.Increment(ref stats.Enforced);
        return context.SendLocalReply(new LocalReplyData(policy.Settings.Status, LimitedBody, "local_rate_limited", "RL", policy.ModifyReplyHeaders));
    }

    /// <summary>One request: the bucket whose state the x-ratelimit-* headers report, if any.</summary>
    private sealed class Stream : HttpStreamFilter
    {
        private readonly LocalRateLimitFilter _filter;

        public Stream(LocalRateLimitFilter filter)
        {
            _filter = filter;
        }

        public TokenBucket? HeadersFrom { get; set; }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) =>
            ValueTask.FromResult(_filter.OnRequestHeaders(context, this));

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (HeadersFrom is { } bucket)
            {
                LocalRateLimitPolicy.AddXRateLimitHeaders(context.HttpContext.Response.Headers, bucket);
            }

            return Continue;
        }
    }
}
