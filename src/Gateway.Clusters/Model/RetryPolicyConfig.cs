namespace Gateway.Clusters.Model;

/// <summary>Envoy's route retry_policy.</summary>
public sealed record RetryPolicyConfig(
    IReadOnlyList<string> RetryOn,
    int NumRetries,
    TimeSpan? PerTryTimeout,
    IReadOnlyList<int> RetriableStatusCodes,
    TimeSpan BaseInterval,
    TimeSpan MaxInterval);
