namespace Gateway.Clusters.Model;

/// <summary>traceable_filter: the request is traced (never, while this gateway has no tracer).</summary>
public sealed record TraceableFilterConfig : AccessLogFilterConfig;
