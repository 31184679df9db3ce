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

    /// <summary>retriable_headers: with retry_on <c>retriable-headers</c>, a response matching any of them is retried.</summary>
    public IReadOnlyList<HeaderMatcherConfig> RetriableHeaders { get; init; } = [];

    /// <summary>retriable_request_headers: when set, only a request matching one of them is retried at all.</summary>
    public IReadOnlyList<HeaderMatcherConfig> RetriableRequestHeaders { get; init; } = [];

    /// <summary>retry_host_predicate, in order; empty when a retry may go to any host.</summary>
    public IReadOnlyList<RetryHostPredicateConfig> HostPredicates { get; init; } = [];

    /// <summary>host_selection_retry_max_attempts (Envoy: 1): how many times a retry's host pick is redone when a predicate rejects it.</summary>
    public int HostSelectionMaxAttempts { get; init; } = 1;
}
