namespace Gateway.Filters.RateLimit;

/// <summary>A parsed envoy.extensions.filters.http.ratelimit.v3.RateLimit.</summary>
public sealed record RateLimitSettings
{
    public required string FilterName { get; init; }

    /// <summary>domain sent in every RateLimitRequest.</summary>
    public required string Domain { get; init; }

    /// <summary>rate_limit_service.grpc_service.envoy_grpc.cluster_name ("" with google_grpc).</summary>
    public required string ClusterName { get; init; }

    /// <summary>google_grpc.target_uri, dialled directly; null with envoy_grpc.</summary>
    public string? GoogleGrpcTarget { get; init; }

    /// <summary>Only route/virtual host rate_limits of this stage apply.</summary>
    public int Stage { get; init; }

    /// <summary>request_type: internal, external or both (default).</summary>
    public string RequestType { get; init; } = "both";

    /// <summary>timeout (Envoy's default 20 ms).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>failure_mode_deny: an unreachable service rejects the request (status_on_error, 500).</summary>
    public bool FailureModeDeny { get; init; }

    /// <summary>enable_x_ratelimit_headers: DRAFT_VERSION_03 adds x-ratelimit-limit/-remaining/-reset.</summary>
    public bool XRateLimitHeaders { get; init; }

    /// <summary>disable_x_envoy_ratelimited_header: no <c>x-envoy-ratelimited: true</c> on a 429.</summary>
    public bool DisableXEnvoyRateLimitedHeader { get; init; }

    /// <summary>rate_limited_status (429 by default; codes under 400 fall back to 429, as Envoy does).</summary>
    public int RateLimitedStatus { get; init; } = 429;

    /// <summary>status_on_error with failure_mode_deny (500 by default).</summary>
    public int StatusOnError { get; init; } = 500;

    /// <summary>rate_limited_as_resource_exhausted: a gRPC client sees RESOURCE_EXHAUSTED instead of UNAVAILABLE.</summary>
    public bool RateLimitedAsResourceExhausted { get; init; }

    public string StatPrefix { get; init; } = "";
}
