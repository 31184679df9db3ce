namespace Gateway.Proxy;

/// <summary>Envoy's <c>http.&lt;stat_prefix&gt;.*</c> counters for one HCM.</summary>
public sealed class HttpConnectionManagerStats
{
    public long DownstreamRqTotal;
    public long DownstreamRq1xx;
    public long DownstreamRq2xx;
    public long DownstreamRq3xx;
    public long DownstreamRq4xx;
    public long DownstreamRq5xx;
    public long DownstreamRqActive;
    public long DownstreamRqCompleted;
    public long DownstreamRqRxReset;
    public long DownstreamRqIdleTimeout;
    public long DownstreamRqTimeout;
    public long DownstreamRqTooManyPrematureResets;
    public long DownstreamCxTotal;
    public long DownstreamCxActive;
    public long DownstreamCxHttp1Total;
    public long DownstreamCxHttp1Active;
    public long DownstreamCxHttp2Total;
    public long DownstreamCxHttp2Active;
    public long DownstreamCxSslTotal;
    public long DownstreamCxSslActive;
    public long DownstreamRqHttp1Total;
    public long DownstreamRqHttp2Total;
    public long NoRoute;
    public long NoCluster;
    public long RqDirectResponse;
    public long RqRedirect;
    public long DownstreamRqMaxDurationReached;
    public long DownstreamRqResponseBeforeRqComplete;
    public long DownstreamRqFailedPathNormalization;
    public long DownstreamRqRedirectedWithNormalizedPath;

    public void RecordResponse(int status)
    {
        switch (status / 100)
        {
            case 1: Interlocked.Increment(ref DownstreamRq1xx); break;
            case 2: Interlocked.Increment(ref DownstreamRq2xx); break;
            case 3: Interlocked.Increment(ref DownstreamRq3xx); break;
            case 4: Interlocked.Increment(ref DownstreamRq4xx); break;
            case 5: Interlocked.Increment(ref DownstreamRq5xx); break;
        }
    }
}
