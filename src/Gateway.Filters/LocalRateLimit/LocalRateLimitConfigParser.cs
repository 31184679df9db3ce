using Gateway.Clusters.Configuration;

namespace Gateway.Filters.LocalRateLimit;

/// <summary>Reads a LocalRateLimit message (filter level or per route) with Envoy's validation and messages.</summary>
public static class LocalRateLimitConfigParser
{
    public const string MessageType = "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";
    private const string TokenBucketType = "envoy.type.v3.TokenBucket";

    public static LocalRateLimitSettings Parse(string filterName, MessageReader reader, bool perRoute)
    {
        var context = reader.Context;
        var statPrefix = reader.RequiredString("stat_prefix");
        var status = HttpStatusReader.Read(reader, "status") is { } code && code >= 400 ? code : 429;
        var bucketMark = reader.MarkOf("token_bucket");
        var bucket = ReadTokenBucket(reader.Message("token_bucket", TokenBucketType));
        if (perRoute && bucket is null && !reader.Has("token_bucket"))
        {
            context.Error(reader.Join("token_bucket"), bucketMark,
                $"local_ratelimit '{filterName}': local rate limit token bucket must be set for per filter configs");
        }

        var enabled = FractionalPercentReader.ReadRuntime(reader, "filter_enabled");
        var enforced = FractionalPercentReader.ReadRuntime(reader, "filter_enforced");
        var responseHeaders = HeaderValueOptionReader.ReadList(reader, "response_headers_to_add");
        var requestHeaders = HeaderValueOptionReader.ReadList(reader, "request_headers_to_add_when_not_enforced");
        var xHeaders = reader.Enum("enable_x_ratelimit_headers", XRateLimitHeaders.Off, "envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion");
        var resourceExhausted = reader.Bool("rate_limited_as_resource_exhausted");

        // Descriptors need the route's rate_limits actions to produce request descriptors; without them
        // every descriptor would silently never match, so they are refused by name.
        if (reader.Has("descriptors"))
        {
            reader.Unsupported("descriptors", "local rate-limit descriptors (and route rate_limits actions) are not implemented; use the filter's token_bucket, or per-route LocalRateLimit configs");
        }

        if (reader.Has("rate_limits"))
        {
            reader.Unsupported("rate_limits", "rate_limits actions are not implemented; use the filter's token_bucket");
        }

        if (reader.Bool("local_rate_limit_per_downstream_connection"))
        {
            context.Unsupported(reader.Join("local_rate_limit_per_downstream_connection"), reader.MarkOf("local_rate_limit_per_downstream_connection"),
                "per-connection token buckets are not implemented; remove local_rate_limit_per_downstream_connection (or set it false) for one bucket shared by all connections");
        }

        if (reader.Has("local_cluster_rate_limit"))
        {
            reader.Unsupported("local_cluster_rate_limit", "sharing the bucket across the local cluster's hosts is not implemented");
        }

        // Without descriptors these only choose among descriptor buckets: read and validated, no effect.
        reader.Integer("stage", 0, 10);
        reader.Enum("vh_rate_limits", VhRateLimits.Override, "envoy.extensions.common.ratelimit.v3.VhRateLimitsOptions");
        reader.Bool("always_consume_default_token_bucket", true);
        reader.Integer("max_dynamic_descriptors", 0, uint.MaxValue);
        return new LocalRateLimitSettings(statPrefix, status, bucket, enabled, enforced, responseHeaders, requestHeaders,
            xHeaders == XRateLimitHeaders.DraftVersion03, resourceExhausted);
    }

    private static TokenBucketConfig? ReadTokenBucket(MessageReader? bucket)
    {
        if (bucket is null)
        {
            return null;
        }

        var context = bucket.Context;
        var maxTokens = bucket.Integer("max_tokens", 0, uint.MaxValue);
        var maxMark = bucket.MarkOf("max_tokens");
        var perFill = bucket.Integer("tokens_per_fill", 0, uint.MaxValue) ?? 1;
        var perFillMark = bucket.MarkOf("tokens_per_fill");
        var intervalMark = bucket.MarkOf("fill_interval");
        var interval = bucket.Duration("fill_interval");
        bucket.Finish();
        var valid = true;
        if (maxTokens is null or 0)
        {
            context.Error(bucket.Join("max_tokens"), maxMark, "TokenBucket.max_tokens: value must be greater than 0");
            valid = false;
        }

        if (perFill == 0)
        {
            context.Error(bucket.Join("tokens_per_fill"), perFillMark, "TokenBucket.tokens_per_fill: value must be greater than 0");
            valid = false;
        }

        if (interval is not { } fill || fill <= TimeSpan.Zero)
        {
            context.Error(bucket.Join("fill_interval"), intervalMark, "TokenBucket.fill_interval: value is required and must be greater than 0s, e.g. fill_interval: 1s");
            return null;
        }

        if (fill < TimeSpan.FromMilliseconds(50))
        {
            context.Error(bucket.Join("fill_interval"), intervalMark, "local rate limit token bucket fill timer must be >= 50ms");
            valid = false;
        }

        return valid ? new TokenBucketConfig((uint)maxTokens!.Value, (uint)perFill, fill) : null;
    }

    private enum XRateLimitHeaders
    {
        Off,
        DraftVersion03,
    }

    private enum VhRateLimits
    {
        Override,
        Include,
        Ignore,
    }
}
