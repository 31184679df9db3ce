namespace Gateway.Clusters.Stats;

/// <summary>
/// Envoy's <c>cluster.&lt;name&gt;.*</c> counters and gauges. Plain fields updated with Interlocked:
/// one cache line of work per request, nothing allocated. The router and http-call both count here,
/// so a callout shows up in its cluster's stats exactly as in Envoy.
/// </summary>
public sealed class ClusterStats
{
    private readonly long[] _byStatus = new long[600];

    public long UpstreamRqTotal;
    public long UpstreamRq1xx;
    public long UpstreamRq2xx;
    public long UpstreamRq3xx;
    public long UpstreamRq4xx;
    public long UpstreamRq5xx;
    public long UpstreamRqTimeout;
    public long UpstreamRqActive;
    public long UpstreamRqPendingOverflow;
    public long UpstreamRqRetry;
    public long UpstreamRqRetryOverflow;
    public long UpstreamRqRetrySuccess;
    public long UpstreamRqRetryLimitExceeded;
    public long UpstreamRqRetryBackoffExponential;
    public long UpstreamRqRetryBackoffRatelimited;
    public long UpstreamRqPerTryTimeout;
    public long RetryOrShadowAbandoned;
    public long LbHealthyPanic;
    public long UpstreamCxDestroy;
    public long UpstreamCxDestroyLocal;
    public long UpstreamCxDestroyRemote;
    public long UpstreamCxTotal;
    public long UpstreamCxActive;
    public long UpstreamCxConnectFail;
    public long UpstreamCxNone;
    public long UpstreamRqOverflow;
    public long UpstreamCxOverflow;

    /// <summary>Counts a response received from (or synthesised for) an upstream, by status.</summary>
    public void RecordStatus(int status)
    {
        if ((uint)status < (uint)_byStatus.Length)
        {
            Interlocked.Increment(ref _byStatus[status]);
        }

        switch (status / 100)
        {
            case 1: Interlocked.Increment(ref UpstreamRq1xx); break;
            case 2: Interlocked.Increment(ref UpstreamRq2xx); break;
            case 3: Interlocked.Increment(ref UpstreamRq3xx); break;
            case 4: Interlocked.Increment(ref UpstreamRq4xx); break;
            case 5: Interlocked.Increment(ref UpstreamRq5xx); break;
        }
    }

    /// <summary>The <c>upstream_rq_&lt;code&gt;</c> counter itself, for the admin's stats walk and reset.</summary>
    public ref long StatusCounter(int status) => ref _byStatus[status];

    public long CountOf(int status) => (uint)status < (uint)_byStatus.Length ? Volatile.Read(ref _byStatus[status]) : 0;

    /// <summary>Status codes seen so far, for <c>upstream_rq_&lt;code&gt;</c> stats.</summary>
    public IEnumerable<int> SeenStatuses()
    {
        for (var i = 100; i < _byStatus.Length; i++)
        {
            if (Volatile.Read(ref _byStatus[i]) != 0)
            {
                yield return i;
            }
        }
    }
}
