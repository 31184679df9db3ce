using System.Globalization;
using Gateway.Filters.Headers;
using Gateway.Clusters.Runtime;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>
/// One LocalRateLimit config in force (the filter's, or a route's typed_per_filter_config) with its own
/// token bucket, as Envoy's FilterConfig owns its limiter: routes sharing a per-route config share its bucket.
/// </summary>
public sealed class LocalRateLimitPolicy
{
    public LocalRateLimitPolicy(LocalRateLimitSettings settings, TimeProvider time)
    {
        Settings = settings;
        Bucket = settings.TokenBucket is { } bucket ? new TokenBucket(bucket, time) : null;
        var grpcStatus = settings.RateLimitedAsResourceExhausted ? "8" : null;
        var responseHeaders = settings.ResponseHeadersToAdd;
        if (responseHeaders.Count > 0 || grpcStatus is not null)
        {
            ModifyReplyHeaders = headers =>
            {
                // A gRPC request's local reply already carries grpc-status (from the HTTP status); Envoy's
                // rate_limited_as_resource_exhausted replaces it.
                if (grpcStatus is not null && headers.ContainsKey("grpc-status"))
                {
                    headers["grpc-status"] = grpcStatus;
                }

                HeaderValueOptionWriter.Apply(headers, responseHeaders);
            };
        }
    }

    public LocalRateLimitSettings Settings { get; }

    public TokenBucket? Bucket { get; }

    /// <summary>response_headers_to_add (and the gRPC status) for the local reply; built once.</summary>
    public Action<IHeaderDictionary>? ModifyReplyHeaders { get; }

    public bool Enabled(IRuntime? runtime) => Settings.FilterEnabled is { } percent && runtime.IsEnabled(percent);

    public bool Enforced(IRuntime? runtime) => Settings.FilterEnforced is { } percent && runtime.IsEnabled(percent);

    /// <summary>Adds the DRAFT_VERSION_03 headers from the bucket's state (Envoy adds, never replaces, them).</summary>
    public static void AddXRateLimitHeaders(IHeaderDictionary headers, TokenBucket bucket)
    {
        headers.Append("x-ratelimit-limit", bucket.MaxTokens.ToString(CultureInfo.InvariantCulture));
        headers.Append("x-ratelimit-remaining", bucket.RemainingTokens.ToString(CultureInfo.InvariantCulture));
        headers.Append("x-ratelimit-reset", bucket.ResetSeconds.ToString(CultureInfo.InvariantCulture));
    }
}
