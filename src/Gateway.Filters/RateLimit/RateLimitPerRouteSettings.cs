namespace Gateway.Filters.RateLimit;

/// <summary>How a route's and its virtual host's rate_limits combine (RateLimitPerRoute.vh_rate_limits).</summary>
public enum VhRateLimitsOption
{
    /// <summary>The virtual host's apply only when the route has none (Envoy's default).</summary>
    Override,
    Include,
    Ignore,
}

/// <summary>envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute (vh_rate_limits, domain).</summary>
public sealed record RateLimitPerRouteSettings(VhRateLimitsOption? VhRateLimits, string? Domain);
