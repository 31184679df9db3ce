namespace Gateway.Clusters.Model;

/// <summary>not_health_check_filter: the request was not answered as a health check by the health_check filter.</summary>
public sealed record NotHealthCheckFilterConfig : AccessLogFilterConfig;
