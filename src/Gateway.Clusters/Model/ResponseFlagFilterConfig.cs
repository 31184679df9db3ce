namespace Gateway.Clusters.Model;

/// <summary>response_flag_filter: any of these flags is set (any flag at all when the list is empty).</summary>
public sealed record ResponseFlagFilterConfig(IReadOnlyList<string> Flags) : AccessLogFilterConfig;
