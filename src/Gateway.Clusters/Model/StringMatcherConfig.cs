namespace Gateway.Clusters.Model;

/// <summary>envoy.type.matcher.v3.StringMatcher.</summary>
public sealed record StringMatcherConfig(StringMatchKind Kind, string Value, bool IgnoreCase);
