namespace Gateway.Clusters.Model;

public sealed record VirtualHostConfig(
    string Name,
    IReadOnlyList<string> Domains,
    IReadOnlyList<RouteConfig> Routes,
    HeaderMutationConfig Headers,
    string YamlPath)
{
    /// <summary>typed_per_filter_config, keyed by http filter name (parsed by each filter).</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; init; } = PerFilterConfig.None;

    /// <summary>rate_limits of the virtual host (for the ratelimit filter); empty when none.</summary>
    public IReadOnlyList<RateLimitPolicyConfig> RateLimits { get; init; } = [];

    /// <summary>retry_policy of the virtual host: the routes without one of their own use it.</summary>
    public RetryPolicyConfig? RetryPolicy { get; init; }

    /// <summary>include_request_attempt_count: x-envoy-attempt-count on upstream requests.</summary>
    public bool IncludeRequestAttemptCount { get; init; }

    /// <summary>include_attempt_count_in_response: x-envoy-attempt-count on downstream responses.</summary>
    public bool IncludeAttemptCountInResponse { get; init; }

    /// <summary>The legacy <c>cors</c> policy (read by the CORS filter when no typed_per_filter_config policy applies).</summary>
    public CorsPolicyConfig? Cors { get; init; }

    /// <summary>per_request_buffer_limit_bytes of the virtual host; null when unset.</summary>
    public long? PerRequestBufferLimitBytes { get; init; }
}
