namespace Gateway.Clusters.Model;

/// <summary>
/// envoy.config.route.v3.HeaderMatcher. Exactly one of <paramref name="Matcher"/>,
/// <paramref name="Present"/> or <paramref name="Range"/> is set; none means "present".
/// </summary>
public sealed record HeaderMatcherConfig(
    string Name,
    StringMatcherConfig? Matcher,
    bool? Present,
    Int64RangeConfig? Range,
    bool InvertMatch,
    bool TreatMissingAsEmpty);
