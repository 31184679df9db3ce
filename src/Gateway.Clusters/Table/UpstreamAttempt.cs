using Gateway.Clusters.Resilience;

namespace Gateway.Clusters.Table;

/// <summary>
/// One attempt of a <see cref="ClusterCall"/> to one endpoint: reports how it ended (response status,
/// timeout, local failure) to the cluster's and the host's stats and to outlier detection, the same
/// way for every caller. Disposing it ends the attempt (rq_active).
/// </summary>
public readonly struct UpstreamAttempt : IDisposable
{
    internal UpstreamAttempt(ClusterEntry entry, UpstreamEndpoint endpoint)
    {
        Entry = entry;
        Endpoint = endpoint;
    }

    public ClusterEntry Entry { get; }

    public UpstreamEndpoint Endpoint { get; }

    /// <summary>Response headers arrived with this status.</summary>
    public void RecordResponse(int status) => Entry.RecordResponse(Endpoint, status);

    /// <summary>The attempt timed out before headers: upstream_rq_timeout, host rq_timeout, outlier local failure, 504 counted.</summary>
    public void RecordTimeout()
    {
        Interlocked.Increment(ref Entry.Stats.UpstreamRqTimeout);
        Interlocked.Increment(ref Endpoint.Stats.RqTimeout);
        Entry.ReportOutcome(Endpoint, UpstreamOutcome.LocalFailure, 504);
        Entry.Stats.RecordStatus(504);
    }

    /// <summary>
    /// The attempt failed before headers (connect failure, reset): host rq_error and an outlier local
    /// failure; <paramref name="countedStatus"/>, when given, is counted in the cluster's status stats
    /// (Envoy counts the local reply it makes of the failure).
    /// </summary>
    public void RecordLocalFailure(int outlierStatus, int? countedStatus)
    {
        Interlocked.Increment(ref Endpoint.Stats.RqError);
        Entry.ReportOutcome(Endpoint, UpstreamOutcome.LocalFailure, outlierStatus);
        if (countedStatus is { } status)
        {
            Entry.Stats.RecordStatus(status);
        }
    }

    public void Dispose() => Entry?.EndUpstreamRequest(Endpoint);
}
