namespace Gateway.Clusters.Model;

/// <summary>
/// outlier_detection with Envoy's defaults. The enforcing_* values are percentages: the chance that a
/// host reaching that threshold is actually ejected (Envoy: 100 for consecutive 5xx, 0 for consecutive
/// gateway failures, so gateway failures alone eject nobody unless enforcing is raised).
/// </summary>
public sealed record OutlierDetectionConfig(
    int Consecutive5xx,
    int ConsecutiveGatewayFailure,
    TimeSpan Interval,
    TimeSpan BaseEjectionTime,
    int MaxEjectionPercent,
    int EnforcingConsecutive5xx = 100,
    int EnforcingConsecutiveGatewayFailure = 0);
