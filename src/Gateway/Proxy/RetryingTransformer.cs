using Gateway.Clusters.Model;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// One request's retry state (Envoy's RetryStateImpl) and per-try timer, wrapped around the listener's
/// transformer. When upstream headers arrive with a response retry_on names and max_retries and the
/// circuit breaker admit one more, the response is swallowed before anything reaches the client (YARP
/// copies no body when the transform returns false) and the router tries again; a request body is
/// replayed from <see cref="RouterRequestBody"/>'s copy, and once that copy outgrew the buffer limit
/// nothing is retried any more. Counts <c>upstream_rq_retry</c>, <c>_retry_success</c> (a retried
/// request's next answer was not retried), <c>_retry_limit_exceeded</c>, <c>_retry_overflow</c> and the
/// back-off kinds as Envoy does. Allocated only for routes (or internal requests) with a retry policy
/// or a per-try timeout.
/// </summary>
internal sealed class RetryingTransformer : HttpTransformer
{
    private readonly HttpTransformer _inner;
    private readonly RetryPlan? _plan;
    private readonly ClusterEntry _cluster;
    private readonly TimeSpan _perTryTimeout;
    private readonly CancellationToken _deadline;
    private readonly TimeProvider _time;
    private PerTryTimer? _perTry;
    private TimeSpan? _rateLimitedDelay;
    private List<UpstreamEndpoint>? _attempted;

    /// <summary>A retry was taken and its attempt has not been judged yet (Envoy's armed callback).</summary>
    private bool _armed;

    /// <summary>The max_retries slot (circuit breaker) the next or running attempt holds.</summary>
    private bool _slot;

    public RetryingTransformer(HttpTransformer inner, RetryPlan? plan, ClusterEntry cluster, TimeSpan perTryTimeout, TimeProvider time, CancellationToken deadline)
    {
        _inner = inner;
        _plan = plan is { Enabled: true } ? plan : null;
        _cluster = cluster;
        _perTryTimeout = perTryTimeout;
        _deadline = deadline;
        _time = time;
    }

    /// <summary>The request body the router replays, when it has one.</summary>
    public RouterRequestBody? Body { get; set; }

    /// <summary>The body outgrew the buffer limit and retrying was given up (already counted in retry_or_shadow_abandoned).</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Retries done so far.</summary>
    public int Retries { get; private set; }

    /// <summary>Status of the response swallowed by the last attempt, or 0.</summary>
    public int SwallowedStatus { get; private set; }

    /// <summary>Envoy's flag when a retry was wanted but not made: URX (retries exhausted) or UO (circuit breaker), else null.</summary>
    public string? NotRetriedFlag { get; private set; }

    /// <summary>
    /// The token for one attempt: the request's deadlines, plus per_try_timeout until headers arrive (its clock
    /// started once the connection is up and the request body is in, see <see cref="PerTryTimer"/>).
    /// </summary>
    public CancellationToken StartAttempt()
    {
        SwallowedStatus = 0;
        _perTry?.Dispose();
        _perTry = null;
        if (_perTryTimeout > TimeSpan.Zero)
        {
            _perTry = new PerTryTimer(_perTryTimeout, Body, _deadline);
            return _perTry.Token;
        }

        return _deadline;
    }

    /// <summary>True when the attempt's per-try timeout fired (not a deadline, not the client going away).</summary>
    public bool PerTryTimedOut => _perTry?.IsCancellationRequested == true && !_deadline.IsCancellationRequested;

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        if (_perTry is { } timer)
        {
            // A connection the pool opens for this request holds the per-try clock until it is up.
            proxyRequest.Options.Set(IUpstreamConnectObserver.OptionKey, timer);
        }

        return _inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null)
        {
            // Headers arrived: the per-try timer stops here (Envoy ignores it once the response started).
            _perTry?.Stop();
            var status = (int)proxyResponse.StatusCode;
            if (_plan is not null && Decide(_plan.RetriesResponse(status, proxyResponse)))
            {
                _rateLimitedDelay = _plan.HasResetHeaders ? _plan.RateLimitedBackoff(proxyResponse, _time.GetUtcNow()) : null;
                SwallowedStatus = status;
                return new ValueTask<bool>(false);
            }
        }

        return _inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        _inner.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);

    /// <summary>After a failure before headers: true when retry_on covers it and a retry is admitted.</summary>
    public bool ShouldRetryFailure(LocalFailureKind kind)
    {
        _rateLimitedDelay = null;
        return _plan is not null && Decide(_plan.RetriesFailure(kind));
    }

    /// <summary>Waits Envoy's back-off before the next attempt and readies the request for it.</summary>
    public Task BeforeRetryAsync(HttpContext context, CancellationToken cancellationToken)
    {
        Retries++;
        // Undo what the failed attempt left on the response so the forwarder accepts the next one.
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = null;
        }

        context.Features.Set<IForwarderErrorFeature>(null);
        Body?.Rewind();
        var limited = _rateLimitedDelay;
        _rateLimitedDelay = null;
        var delay = limited ?? _plan!.Backoff(Retries);
        // The wait is set up before the back-off is counted, so whoever sees the count (a test on a fake clock)
        // finds the timer already registered.
        var wait = delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _time, cancellationToken);
        Interlocked.Increment(ref limited is not null ? ref _cluster.Stats.UpstreamRqRetryBackoffRatelimited : ref _cluster.Stats.UpstreamRqRetryBackoffExponential);
        return wait;
    }

    /// <summary>Envoy's onHostAttempted: remembered only when retry_host_predicate has previous_hosts.</summary>
    public void OnHostAttempted(UpstreamEndpoint endpoint)
    {
        if (_plan is { HostPredicates.Count: > 0 })
        {
            (_attempted ??= []).Add(endpoint);
        }
    }

    /// <summary>The host for a retry: with retry_host_predicate, picks again while a predicate rejects the host (up to host_selection_retry_max_attempts).</summary>
    public UpstreamEndpoint? PickRetryEndpoint(ClusterEntry cluster) => _plan is { HostPredicates.Count: > 0 } plan
        ? cluster.PickEndpoint(ShouldSelectAnotherHost, plan.HostSelectionMaxAttempts)
        : cluster.PickEndpoint();

    /// <summary>Envoy's RetryStateImpl::shouldSelectAnotherHost: any predicate rejecting the host.</summary>
    private bool ShouldSelectAnotherHost(UpstreamEndpoint host)
    {
        foreach (var predicate in _plan!.HostPredicates)
        {
            var reject = predicate.Kind switch
            {
                RetryHostPredicateKind.PreviousHosts => _attempted?.Exists(a => ReferenceEquals(a, host) || a.Address == host.Address) == true,
                RetryHostPredicateKind.OmitCanaryHosts => LbMetadata(host) is { } lb && lb.TryGetValue("canary", out var canary) && canary is true,
                _ => predicate.Metadata is { Count: > 0 } labels && LbMetadata(host) is { } lb2 && labels.All(l => lb2.TryGetValue(l.Key, out var v) && ValueMatches(v, l.Value)),
            };
            if (reject)
            {
                return true;
            }
        }

        return false;
    }

    private static IReadOnlyDictionary<string, object?>? LbMetadata(UpstreamEndpoint host) =>
        host.Metadata is { } metadata && metadata.TryGetValue("envoy.lb", out var lb) ? lb as IReadOnlyDictionary<string, object?> : null;

    /// <summary>Envoy's metadataLabelMatch with list_as_any: a host's list value matches when one of its items does.</summary>
    private static bool ValueMatches(object? hostValue, object? wanted) =>
        hostValue is List<object?> list ? list.Exists(item => Equals(item, wanted)) : Equals(hostValue, wanted);

    /// <summary>Releases the slot held and the per-try timer; call once when the request ends.</summary>
    public void Finish()
    {
        ReleaseSlot();
        _perTry?.Dispose();
        Body?.Finish();
    }

    /// <summary>Envoy's shouldRetry: the retry-success, limit and overflow accounting around one decision.</summary>
    private bool Decide(bool wouldRetry)
    {
        if (!Abandoned && Body is { Overflowed: true })
        {
            // The body outgrew the buffer limit: Envoy drops the retry state (no retry, no retry stats).
            Abandoned = true;
            Interlocked.Increment(ref _cluster.Stats.RetryOrShadowAbandoned);
        }

        if (Abandoned)
        {
            return false;
        }

        if (_armed && !wouldRetry)
        {
            Interlocked.Increment(ref _cluster.Stats.UpstreamRqRetrySuccess);
        }

        _armed = false;
        ReleaseSlot();
        if (!wouldRetry)
        {
            return false;
        }

        if (Retries >= _plan!.NumRetries)
        {
            Interlocked.Increment(ref _cluster.Stats.UpstreamRqRetryLimitExceeded);
            NotRetriedFlag = "URX";
            return false;
        }

        if (!_cluster.CircuitBreaker.TryEnterRetry())
        {
            // Counts upstream_rq_retry_overflow itself. Envoy spends the retry even so.
            Retries++;
            NotRetriedFlag = "UO";
            return false;
        }

        _slot = true;
        _armed = true;
        NotRetriedFlag = null;
        Interlocked.Increment(ref _cluster.Stats.UpstreamRqRetry);
        return true;
    }

    private void ReleaseSlot()
    {
        if (_slot)
        {
            _slot = false;
            _cluster.CircuitBreaker.ExitRetry();
        }
    }
}
