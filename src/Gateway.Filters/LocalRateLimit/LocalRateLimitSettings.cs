using Gateway.Clusters.Model;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit, validated (filter level or per route).</summary>
/// <param name="StatPrefix">Stats are <c>&lt;stat_prefix&gt;.http_local_rate_limit.*</c>.</param>
/// <param name="Status">The status of a limited request: status.code when 400 or above, else 429 (Envoy's toErrorCode).</param>
/// <param name="TokenBucket">The default bucket; null means nothing is limited (allowed at filter level only).</param>
/// <param name="FilterEnabled">Share of requests checked against the bucket; null means none (Envoy's default).</param>
/// <param name="FilterEnforced">Share of limited requests that are refused; null means none (counted only).</param>
/// <param name="EnableXRateLimitHeaders">enable_x_ratelimit_headers: DRAFT_VERSION_03 (x-ratelimit-limit, -remaining, -reset).</param>
/// <param name="RateLimitedAsResourceExhausted">A limited gRPC request gets grpc-status 8 (RESOURCE_EXHAUSTED) instead of 14.</param>
public sealed record LocalRateLimitSettings(
    string StatPrefix,
    int Status,
    TokenBucketConfig? TokenBucket,
    RuntimeFractionalPercentConfig? FilterEnabled,
    RuntimeFractionalPercentConfig? FilterEnforced,
    IReadOnlyList<HeaderValueOptionConfig> ResponseHeadersToAdd,
    IReadOnlyList<HeaderValueOptionConfig> RequestHeadersToAddWhenNotEnforced,
    bool EnableXRateLimitHeaders,
    bool RateLimitedAsResourceExhausted);
