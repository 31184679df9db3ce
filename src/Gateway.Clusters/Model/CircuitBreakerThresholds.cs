namespace Gateway.Clusters.Model;

/// <summary>circuit_breakers.thresholds (default priority); Envoy's defaults when absent.</summary>
public sealed record CircuitBreakerThresholds(int MaxConnections, int MaxPendingRequests, int MaxRequests, int MaxRetries)
{
    public static readonly CircuitBreakerThresholds Default = new(1024, 1024, 1024, 3);
}
