namespace Gateway.Clusters.Model;

/// <summary>An HTTP active health check.</summary>
public sealed record HealthCheckConfig(
    string Path,
    string? Host,
    TimeSpan Interval,
    TimeSpan Timeout,
    int HealthyThreshold,
    int UnhealthyThreshold,
    IReadOnlyList<Int64RangeConfig> ExpectedStatuses);
