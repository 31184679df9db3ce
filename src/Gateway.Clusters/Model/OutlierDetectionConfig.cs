namespace Gateway.Clusters.Model;

/// <summary>outlier_detection with Envoy's defaults.</summary>
public sealed record OutlierDetectionConfig(
    int Consecutive5xx,
    int ConsecutiveGatewayFailure,
    TimeSpan Interval,
    TimeSpan BaseEjectionTime,
    int MaxEjectionPercent);
