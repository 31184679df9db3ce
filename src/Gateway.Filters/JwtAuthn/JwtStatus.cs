namespace Gateway.Filters.JwtAuthn;

/// <summary>The outcomes of verifying a JWT, with the texts Envoy (jwt_verify_lib) answers them with.</summary>
public enum JwtStatus
{
    Ok,
    JwtMissed,
    JwtExpired,
    JwtNotYetValid,
    JwtBadFormat,
    JwtHeaderParseError,
    JwtPayloadParseError,
    JwtUnknownIssuer,
    JwtAudienceNotAllowed,
    JwtVerificationFail,
    JwksKidAlgMismatch,
    JwksFetchFail,
    JwksNoValidKeys,
}

/// <summary>Envoy's status strings: the body of a 401/403 and, with spaces as underscores, the response code details.</summary>
public static class JwtStatusText
{
    public static string Of(JwtStatus status) => status switch
    {
        JwtStatus.Ok => "OK",
        JwtStatus.JwtMissed => "Jwt is missing",
        JwtStatus.JwtExpired => "Jwt is expired",
        JwtStatus.JwtNotYetValid => "Jwt not yet valid",
        JwtStatus.JwtBadFormat => "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections",
        JwtStatus.JwtHeaderParseError => "Jwt header is an invalid JSON",
        JwtStatus.JwtPayloadParseError => "Jwt payload is an invalid JSON",
        JwtStatus.JwtUnknownIssuer => "Jwt issuer is not configured",
        JwtStatus.JwtAudienceNotAllowed => "Audiences in Jwt are not allowed",
        JwtStatus.JwtVerificationFail => "Jwt verification fails",
        JwtStatus.JwksKidAlgMismatch => "Jwks doesn't have key to match kid or alg from Jwt",
        JwtStatus.JwksFetchFail => "Jwks remote fetch is failed",
        JwtStatus.JwksNoValidKeys => "Jwks doesn't have valid keys",
        _ => "Jwt verification fails",
    };
}
