using Gateway.Clusters.Model;

namespace Gateway.Filters.JwtAuthn;

/// <summary>One of JwtAuthentication.rules: the first whose match matches decides; no requirement means no check.</summary>
public sealed record JwtRuleConfig(RouteMatchConfig Match, JwtRequirementConfig? Requires, string? RequirementName);
