namespace Gateway.Filters.Callouts;

/// <summary>How a callout to a cluster ended, before any service-level meaning is given to it.</summary>
public enum CalloutOutcome
{
    /// <summary>The peer answered (an HTTP status, or a gRPC status of OK with a message).</summary>
    Response,

    /// <summary>No cluster of that name in the snapshot.</summary>
    NoCluster,

    /// <summary>The cluster's circuit breaker refused the call (upstream_rq_pending_overflow counted).</summary>
    Overflow,

    /// <summary>The cluster has no healthy endpoint.</summary>
    NoHealthyUpstream,

    /// <summary>The callout's timeout fired.</summary>
    Timeout,

    /// <summary>Connect failure, reset, a gRPC error status, or a malformed answer.</summary>
    Failed,

    /// <summary>The downstream request went away while the callout was in flight.</summary>
    Aborted,
}
