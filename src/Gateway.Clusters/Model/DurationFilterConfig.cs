namespace Gateway.Clusters.Model;

/// <summary>duration_filter: the request's duration in milliseconds compared with a value.</summary>
public sealed record DurationFilterConfig(ComparisonOp Op, long Value) : AccessLogFilterConfig;
