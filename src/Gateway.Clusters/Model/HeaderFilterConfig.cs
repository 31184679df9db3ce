namespace Gateway.Clusters.Model;

/// <summary>header_filter: a request header matcher.</summary>
public sealed record HeaderFilterConfig(HeaderMatcherConfig Header) : AccessLogFilterConfig;
