namespace Gateway.Clusters.Model;

/// <summary>and_filter (<paramref name="All"/> true) or or_filter over sub-filters.</summary>
public sealed record CompositeFilterConfig(bool All, IReadOnlyList<AccessLogFilterConfig> Filters) : AccessLogFilterConfig;
