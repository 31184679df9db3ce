using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;

namespace Gateway.Clusters.Resilience;

/// <summary>
/// Envoy's circuit_breakers.thresholds for the default priority as lock-free counters. max_connections
/// is the pool's own MaxConnectionsPerServer; here: max_requests (requests in flight), max_pending_requests
/// (on HTTP/1.1 a request beyond max_connections waits for a connection, so in-flight requests above
/// max_connections + max_pending_requests overflow the pending queue) and max_retries (retries in flight).
/// Overflow counts <c>upstream_rq_pending_overflow</c> / <c>upstream_rq_retry_overflow</c> as Envoy does.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly ClusterStats _stats;
    private readonly long _maxRequests;
    private readonly long _maxRetries;
    private readonly long _maxConnections;
    private long _requests;
    private long _connections;
    private long _retries;

    public CircuitBreaker(CircuitBreakerThresholds thresholds, UpstreamProtocol protocol, ClusterStats stats)
    {
        _stats = stats;
        long max = Math.Max(0, thresholds.MaxRequests);
        if (protocol == UpstreamProtocol.Http1)
        {
            // HTTP/1.1: one request per connection, so the queue for a connection is the pending queue.
            max = Math.Min(max, (long)Math.Max(1, thresholds.MaxConnections) + Math.Max(0, thresholds.MaxPendingRequests));
        }

        _maxRequests = max;
        _maxRetries = Math.Max(0, thresholds.MaxRetries);
        _maxConnections = Math.Max(0, thresholds.MaxConnections);
    }

    /// <summary>
    /// True when one more tcp_proxy upstream connection may open (max_connections); false counts
    /// <c>upstream_cx_overflow</c>. HTTP connections are bounded by the pool itself.
    /// </summary>
    public bool TryEnterConnection()
    {
        if (Interlocked.Increment(ref _connections) > _maxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Interlocked.Increment(ref _stats.UpstreamCxOverflow);
            return false;
        }

        return true;
    }

    public void ExitConnection() => Interlocked.Decrement(ref _connections);

    /// <summary>Requests in flight now (Envoy's rq_active as the breaker sees it).</summary>
    public long RequestsInFlight => Volatile.Read(ref _requests);

    public RequestAdmission TryEnterRequest()
    {
        if (Interlocked.Increment(ref _requests) > _maxRequests)
        {
            Interlocked.Decrement(ref _requests);
            Interlocked.Increment(ref _stats.UpstreamRqPendingOverflow);
            return RequestAdmission.Overflow;
        }

        return RequestAdmission.Admitted;
    }

    public void ExitRequest() => Interlocked.Decrement(ref _requests);

    /// <summary>True when one more retry may start (max_retries); false counts upstream_rq_retry_overflow.</summary>
    public bool TryEnterRetry()
    {
        if (Interlocked.Increment(ref _retries) > _maxRetries)
        {
            Interlocked.Decrement(ref _retries);
            Interlocked.Increment(ref _stats.UpstreamRqRetryOverflow);
            return false;
        }

        return true;
    }

    public void ExitRetry() => Interlocked.Decrement(ref _retries);
}
