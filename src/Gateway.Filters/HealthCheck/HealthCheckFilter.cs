using System.Diagnostics;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.HealthCheck;

/// <summary>
/// Envoy's health_check filter. A request matching every configured header matcher is a health check:
/// answered here with 200 (empty body), or 503 while the admin's /healthcheck/fail is in force or a
/// cluster of cluster_min_healthy_percentages is below its share. In pass-through mode it is forwarded
/// instead, except that a failing server still answers 503 here, and a cached upstream answer (cache_time)
/// is reused. Every health-check answer carries x-envoy-upstream-healthchecked-cluster (node.cluster);
/// every answer on the listener carries x-envoy-immediate-health-check-fail: true while failing, so
/// Envoys health-checking this one eject it at once.
/// </summary>
public sealed class HealthCheckFilter : IHttpFilter
{
    public const string ImmediateHealthCheckFailHeader = "x-envoy-immediate-health-check-fail";
    public const string HealthCheckedClusterHeader = "x-envoy-upstream-healthchecked-cluster";
    public const string DegradedHeader = "x-envoy-degraded";

    /// <summary>Envoy's response flag FailedLocalHealthCheck.</summary>
    public const string FailedLocalHealthCheckFlag = "LH";

    private static readonly StringValues True = new("true");
    private static readonly Action<IHeaderDictionary> MarkDegraded = static headers => headers[DegradedHeader] = StringValues.Empty;

    private readonly HeaderMatcher[] _headers;
    private readonly bool _passThrough;
    private readonly long _cachePeriodTicks;
    private readonly long _createdAt = Stopwatch.GetTimestamp();
    private readonly KeyValuePair<string, ulong>[] _minHealthyPercentages;
    private readonly IServerHealth _health;
    private readonly StringValues _localCluster;
    private CachedAnswer? _cached;

    public HealthCheckFilter(HealthCheckFilterSettings settings, IServerHealth health)
    {
        _headers = settings.Headers.Select(h => new HeaderMatcher(h)).ToArray();
        _passThrough = settings.PassThroughMode;
        _cachePeriodTicks = settings.CacheTime is { } cache ? Math.Max(1, (long)(cache.TotalSeconds * Stopwatch.Frequency)) : 0;
        // Envoy truncates the percentage to an integer before comparing.
        _minHealthyPercentages = settings.ClusterMinHealthyPercentages.Select(p => new KeyValuePair<string, ulong>(p.Key, (ulong)p.Value)).ToArray();
        _health = health;
        _localCluster = new StringValues(health.LocalClusterName);
        Name = settings.FilterName;
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    /// <summary>Decides, when the request starts, whether it is a health check and whether the server is failing them.</summary>
    private FilterStatus OnRequestHeaders(HttpFilterContext context, Stream stream)
    {
        var http = context.HttpContext;
        var failing = _health.IsFailingHealthChecks;
        stream.FailingAtStart = failing;
        if (!IsHealthCheck(http))
        {
            return FilterStatus.Continue;
        }

        stream.IsHealthCheck = true;
        context.IsHealthCheck = true;
        var cached = _cachePeriodTicks > 0 ? Volatile.Read(ref _cached) : null;
        if (cached is not null && cached.Period != CurrentPeriod())
        {
            cached = null;
        }

        if (_passThrough && !failing && cached is null)
        {
            return FilterStatus.Continue;
        }

        int status;
        var degraded = false;
        if (failing)
        {
            status = StatusCodes.Status503ServiceUnavailable;
        }
        else if (cached is not null)
        {
            status = cached.Status;
            degraded = cached.Degraded;
        }
        else
        {
            status = ClustersHealthy(context) ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        }

        return context.SendLocalReply(new LocalReplyData(status, ReadOnlyMemory<byte>.Empty,
            ResponseFlag: status is < 200 or > 299 ? FailedLocalHealthCheckFlag : null,
            ModifyHeaders: degraded ? MarkDegraded : null));
    }

    /// <summary>What Envoy's encodeHeaders does: health-check answers (local or from the upstream) get the cluster header and feed the cache; every answer gets the fail header while failing.</summary>
    private void OnResponseHeaders(HttpFilterContext context, Stream stream)
    {
        var response = context.HttpContext.Response;
        if (stream.IsHealthCheck)
        {
            OnHealthCheckResponse(response, response.StatusCode);
        }
        else if (stream.FailingAtStart)
        {
            response.Headers[ImmediateHealthCheckFailHeader] = True;
        }
    }

    private bool IsHealthCheck(HttpContext http)
    {
        if (_headers.Length == 0)
        {
            return true;
        }

        var request = http.Request;
        var rawTarget = http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        foreach (var matcher in _headers)
        {
            if (!matcher.Matches(request, rawTarget))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Envoy's check: each listed cluster exists and has at least its share of healthy endpoints.</summary>
    private bool ClustersHealthy(HttpFilterContext context)
    {
        foreach (var (name, minPercent) in _minHealthyPercentages)
        {
            if (!context.Clusters.TryGet(name, out var cluster))
            {
                return false;
            }

            var endpoints = cluster.Endpoints;
            var total = (ulong)endpoints.All.Length;
            if (total == 0)
            {
                if (minPercent == 0)
                {
                    continue;
                }

                return false;
            }

            if (100UL * (ulong)endpoints.HealthyCount < total * minPercent)
            {
                return false;
            }
        }

        return true;
    }

    private void OnHealthCheckResponse(HttpResponse response, int status)
    {
        if (_cachePeriodTicks > 0)
        {
            var degraded = response.Headers.ContainsKey(DegradedHeader);
            Volatile.Write(ref _cached, new CachedAnswer(status, degraded, CurrentPeriod()));
        }

        var headers = response.Headers;
        headers[HealthCheckedClusterHeader] = _localCluster;
        if (_health.IsFailingHealthChecks)
        {
            headers[ImmediateHealthCheckFailHeader] = True;
        }
    }

    /// <summary>Envoy clears its cache on a fixed timer of cache_time; an answer is reusable within the period it was stored in.</summary>
    private long CurrentPeriod() => (Stopwatch.GetTimestamp() - _createdAt) / _cachePeriodTicks;

    /// <summary>One request's view: whether it is a health check, and whether the server was failing them when it started.</summary>
    private sealed class Stream : HttpStreamFilter
    {
        private readonly HealthCheckFilter _filter;

        public Stream(HealthCheckFilter filter)
        {
            _filter = filter;
        }

        public bool IsHealthCheck { get; set; }

        public bool FailingAtStart { get; set; }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) =>
            ValueTask.FromResult(_filter.OnRequestHeaders(context, this));

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _filter.OnResponseHeaders(context, this);
            return Continue;
        }
    }

    private sealed record CachedAnswer(int Status, bool Degraded, long Period);
}
