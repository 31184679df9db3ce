namespace Gateway.Filters.JwtAuthn;

/// <summary>Where a provider looks for its token.</summary>
public enum JwtTokenSource
{
    Header,
    QueryParameter,
    Cookie,
}

/// <summary>One of a provider's from_headers (name, value_prefix), from_params or from_cookies.</summary>
public sealed record JwtTokenLocation(JwtTokenSource Source, string Name, string ValuePrefix = "");
