namespace Gateway.Clusters.Model;

/// <summary>status_code_filter: the response code compared with a value.</summary>
public sealed record StatusCodeFilterConfig(ComparisonOp Op, long Value) : AccessLogFilterConfig;
