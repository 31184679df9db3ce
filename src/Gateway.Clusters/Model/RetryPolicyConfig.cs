namespace Gateway.Clusters.Model;

/// <summary>Envoy's route retry_policy.</summary>
public sealed record RetryPolicyConfig(
    IReadOnlyList<string> RetryOn,
    int NumRetries,
    TimeSpan? PerTryTimeout,
    IReadOnlyList<int> RetriableStatusCodes,
    TimeSpan BaseInterval,
    TimeSpan MaxInterval)
{
    /// <summary>rate_limited_retry_back_off.reset_headers, in order; empty without rate-limited back-off.</summary>
    public IReadOnlyList<RetryResetHeaderConfig> ResetHeaders { get; init; } = [];

    /// <summary>rate_limited_retry_back_off.max_interval (Envoy: 300s): a longer reset interval is discarded.</summary>
    public TimeSpan ResetMaxInterval { get; init; } = TimeSpan.FromSeconds(300);
}
