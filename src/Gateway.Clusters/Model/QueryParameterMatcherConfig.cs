namespace Gateway.Clusters.Model;

/// <summary>envoy.config.route.v3.QueryParameterMatcher: a string match, or presence.</summary>
public sealed record QueryParameterMatcherConfig(string Name, StringMatcherConfig? Matcher, bool PresentMatch);
