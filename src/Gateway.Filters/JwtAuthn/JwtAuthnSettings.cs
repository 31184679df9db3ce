namespace Gateway.Filters.JwtAuthn;

/// <summary>A parsed envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.</summary>
public sealed record JwtAuthnSettings(
    string FilterName,
    IReadOnlyDictionary<string, JwtProviderConfig> Providers,
    IReadOnlyList<JwtRuleConfig> Rules,
    IReadOnlyDictionary<string, JwtRequirementConfig> RequirementMap,
    bool BypassCorsPreflight,
    string StatPrefix);

/// <summary>envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig: disabled, or a requirement_map entry to apply.</summary>
public sealed record JwtAuthnPerRouteSettings(bool Disabled, string? RequirementName);
