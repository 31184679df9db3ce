using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// One request's retry state, wrapped around the listener's transformer. When upstream headers arrive
/// with a status retry_on names, retries remain and max_retries admits one more, the response is
/// swallowed before anything reaches the client (YARP copies no body when the transform returns false)
/// and the router tries again. Only requests without a body are retried: YARP streams the body to the
/// first attempt and cannot replay it. Allocated only for routes with a retry_policy.
/// </summary>
internal sealed class RetryingTransformer : HttpTransformer
{
    private readonly HttpTransformer _inner;
    private readonly RetryPlan _plan;
    private readonly ClusterEntry _cluster;
    private CancellationTokenSource? _perTry;

    public RetryingTransformer(HttpTransformer inner, RetryPlan plan, ClusterEntry cluster)
    {
        _inner = inner;
        _plan = plan;
        _cluster = cluster;
    }

    /// <summary>Retries done so far.</summary>
    public int Retries { get; private set; }

    /// <summary>Status of the response swallowed by the last attempt, or 0.</summary>
    public int SwallowedStatus { get; private set; }

    /// <summary>A max_retries slot taken for the next attempt, and the one the running attempt holds.</summary>
    private bool _slotForNext;
    private bool _slotForCurrent;

    /// <summary>Whether a request can be retried at all: no body to replay, not an upgrade.</summary>
    public static bool CanRetry(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false &&
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true;

    /// <summary>The token for one attempt: cancelled after per_try_timeout until headers arrive.</summary>
    public CancellationToken StartAttempt()
    {
        ReleaseCurrentSlot();
        (_slotForCurrent, _slotForNext) = (_slotForNext, false);
        SwallowedStatus = 0;
        _perTry?.Dispose();
        _perTry = null;
        if (_plan.PerTryTimeout is { } timeout)
        {
            _perTry = new CancellationTokenSource(timeout);
            return _perTry.Token;
        }

        return CancellationToken.None;
    }

    /// <summary>True when the attempt's per-try timeout fired (not the client going away).</summary>
    public bool PerTryTimedOut => _perTry?.IsCancellationRequested == true;

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken) =>
        _inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null)
        {
            // Headers arrived: the per-try timer stops here, as Envoy's does.
            _perTry?.CancelAfter(Timeout.InfiniteTimeSpan);
            var status = (int)proxyResponse.StatusCode;
            if (_plan.RetriesStatus(status) && TryTakeRetry())
            {
                SwallowedStatus = status;
                return new ValueTask<bool>(false);
            }
        }

        return _inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        _inner.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);

    /// <summary>After a failure before headers: true when retry_on covers it and a retry is admitted.</summary>
    public bool ShouldRetryFailure(LocalFailureKind kind) => _plan.RetriesFailure(kind) && TryTakeRetry();

    /// <summary>Waits Envoy's jittered backoff before the next attempt and counts upstream_rq_retry.</summary>
    public Task BeforeRetryAsync(HttpContext context)
    {
        Retries++;
        Interlocked.Increment(ref _cluster.Stats.UpstreamRqRetry);
        // Undo what the failed attempt left on the response so the forwarder accepts the next one.
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = null;
        }

        context.Features.Set<IForwarderErrorFeature>(null);
        return Task.Delay(_plan.Backoff(Retries), context.RequestAborted);
    }

    /// <summary>Releases every slot held and the per-try timer; call once when the request ends.</summary>
    public void Finish()
    {
        ReleaseCurrentSlot();
        if (_slotForNext)
        {
            _slotForNext = false;
            _cluster.CircuitBreaker.ExitRetry();
        }

        _perTry?.Dispose();
    }

    private void ReleaseCurrentSlot()
    {
        if (_slotForCurrent)
        {
            _slotForCurrent = false;
            _cluster.CircuitBreaker.ExitRetry();
        }
    }

    private bool TryTakeRetry()
    {
        if (Retries >= _plan.NumRetries || !_cluster.CircuitBreaker.TryEnterRetry())
        {
            return false;
        }

        _slotForNext = true;
        return true;
    }
}
