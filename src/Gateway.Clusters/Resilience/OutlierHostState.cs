namespace Gateway.Clusters.Resilience;

/// <summary>Per-host outlier detection counters; touched with Interlocked from the request path.</summary>
public sealed class OutlierHostState
{
    public int Consecutive5xx;

    public int ConsecutiveGatewayFailure;

    /// <summary>How many times the host has been ejected; multiplies base_ejection_time.</summary>
    public int TimesEjected;

    /// <summary>Environment.TickCount64 at which the current ejection ends.</summary>
    public long EjectedUntil;

    public long EjectionsTotal;
}
