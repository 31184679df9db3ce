namespace Gateway.Clusters.Resilience;

/// <summary>What the cluster's circuit breaker says about one more request.</summary>
public enum RequestAdmission
{
    /// <summary>Admitted: the caller must call <c>ClusterEntry.ExitRequest()</c> when the request ends.</summary>
    Admitted,

    /// <summary>max_requests reached (or, on HTTP/1.1, max_connections + max_pending_requests): answer 503 UO.</summary>
    Overflow,
}
