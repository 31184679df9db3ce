namespace Gateway.Clusters.Resilience;

/// <summary>Why an attempt ended without upstream response headers, as retry_on distinguishes it.</summary>
public enum LocalFailureKind
{
    ConnectFailure,
    Reset,
    Timeout,
}
