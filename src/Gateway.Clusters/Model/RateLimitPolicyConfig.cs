namespace Gateway.Clusters.Model;

/// <summary>One entry of a route's or virtual host's <c>rate_limits</c> (envoy.config.route.v3.RateLimit): one descriptor per request.</summary>
/// <param name="Stage">Only rate limit filters with the same <c>stage</c> apply it.</param>
/// <param name="DisableKey">disable_key (runtime key; recorded, the gateway has no runtime).</param>
public sealed record RateLimitPolicyConfig(int Stage, string DisableKey, IReadOnlyList<RateLimitActionConfig> Actions);
