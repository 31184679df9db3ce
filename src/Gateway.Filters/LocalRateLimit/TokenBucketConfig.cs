namespace Gateway.Filters.LocalRateLimit;

/// <summary>envoy.type.v3.TokenBucket: starts full, refills tokens_per_fill every fill_interval (continuously, as Envoy's atomic bucket).</summary>
public sealed record TokenBucketConfig(uint MaxTokens, uint TokensPerFill, TimeSpan FillInterval);
