namespace Gateway.Filters.JwtAuthn;

/// <summary>The kinds of envoy.extensions.filters.http.jwt_authn.v3.JwtRequirement.</summary>
public enum JwtRequirementKind
{
    Provider,
    RequiresAny,
    RequiresAll,
    AllowMissing,
    AllowMissingOrFailed,
}

/// <summary>A JwtRequirement: a provider (optionally with its own audiences), or a combination.</summary>
public sealed record JwtRequirementConfig(
    JwtRequirementKind Kind,
    string ProviderName = "",
    IReadOnlyList<string>? Audiences = null,
    IReadOnlyList<JwtRequirementConfig>? Children = null);
