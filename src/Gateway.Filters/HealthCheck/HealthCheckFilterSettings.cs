using Gateway.Clusters.Model;

namespace Gateway.Filters.HealthCheck;

/// <summary>envoy.extensions.filters.http.health_check.v3.HealthCheck, validated.</summary>
/// <param name="PassThroughMode">Forward health checks to the upstream (still 503 here while the server fails health checks).</param>
/// <param name="CacheTime">Pass-through only: how long an upstream health-check answer is reused; null for no cache.</param>
/// <param name="Headers">A request matching all of them is a health check; none matches every request, as in Envoy.</param>
/// <param name="ClusterMinHealthyPercentages">Non-pass-through only: cluster → minimum healthy percentage (truncated to an integer, as Envoy does).</param>
public sealed record HealthCheckFilterSettings(
    string FilterName,
    bool PassThroughMode,
    TimeSpan? CacheTime,
    IReadOnlyList<HeaderMatcherConfig> Headers,
    IReadOnlyList<KeyValuePair<string, double>> ClusterMinHealthyPercentages);
