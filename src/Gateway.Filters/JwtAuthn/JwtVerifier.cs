using System.Text;
using System.Text.Json;
using Gateway.Clusters.Table;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Filters.JwtAuthn;

/// <summary>
/// Verifies one token for one provider in Envoy's order: format, issuer, time (with clock skew),
/// audiences, then the signature against the provider's JWKS (key matched by kid and alg).
/// </summary>
internal sealed class JwtVerifier
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly JwtProviderConfig _provider;

    public JwtVerifier(JwtProviderConfig provider)
    {
        _provider = provider;
        Keys = new JwksSource(provider);
    }

    public JwtProviderConfig Provider => _provider;

    public JwksSource Keys { get; }

    public async ValueTask<(JwtStatus Status, JsonWebToken? Token)> VerifyAsync(string text, IReadOnlyList<string>? audiences, ClusterTable clusters, CancellationToken aborted)
    {
        if (text.Count(c => c == '.') != 2)
        {
            return (JwtStatus.JwtBadFormat, null);
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(text);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return (e.Message.Contains("payload", StringComparison.OrdinalIgnoreCase) ? JwtStatus.JwtPayloadParseError : JwtStatus.JwtHeaderParseError, null);
        }

        if (_provider.Issuer.Length != 0 && token.Issuer != _provider.Issuer)
        {
            return (JwtStatus.JwtUnknownIssuer, token);
        }

        var now = DateTime.UtcNow;
        if (token.TryGetPayloadValue<long>("exp", out var exp) && DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime < now - _provider.ClockSkew)
        {
            return (JwtStatus.JwtExpired, token);
        }

        if (token.TryGetPayloadValue<long>("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf).UtcDateTime > now + _provider.ClockSkew)
        {
            return (JwtStatus.JwtNotYetValid, token);
        }

        var allowed = audiences is { Count: > 0 } ? audiences : _provider.Audiences;
        if (allowed.Count > 0 && !token.Audiences.Any(a => allowed.Contains(a, StringComparer.Ordinal)))
        {
            return (JwtStatus.JwtAudienceNotAllowed, token);
        }

        var jwks = await Keys.GetAsync(clusters, aborted).ConfigureAwait(false);
        if (jwks is null)
        {
            return (_provider.LocalJwks is null ? JwtStatus.JwksFetchFail : JwtStatus.JwksNoValidKeys, token);
        }

        var candidates = jwks.GetSigningKeys().Where(k => Matches(k, token)).ToList();
        if (candidates.Count == 0)
        {
            return (JwtStatus.JwksKidAlgMismatch, token);
        }

        var result = await Handler.ValidateTokenAsync(text, new TokenValidationParameters
        {
            IssuerSigningKeys = candidates,
            TryAllIssuerSigningKeys = true,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
        }).ConfigureAwait(false);
        return (result.IsValid ? JwtStatus.Ok : JwtStatus.JwtVerificationFail, token);
    }

    /// <summary>A key fits when its kid equals the token's (if both have one) and its alg, when set, is the token's.</summary>
    private static bool Matches(SecurityKey key, JsonWebToken token)
    {
        var kid = token.Kid;
        if (!string.IsNullOrEmpty(kid) && !string.IsNullOrEmpty(key.KeyId) && key.KeyId != kid)
        {
            return false;
        }

        return key is not JsonWebKey { Alg: { Length: > 0 } alg } || alg == token.Alg;
    }

    /// <summary>The payload as plain values (dynamic metadata).</summary>
    public static Dictionary<string, object?> PayloadOf(JsonWebToken token)
    {
        var json = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        using var doc = JsonDocument.Parse(json);
        return (Dictionary<string, object?>)ToObject(doc.RootElement)!;
    }

    public static Dictionary<string, object?> HeaderOf(JsonWebToken token)
    {
        var json = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.EncodedHeader));
        using var doc = JsonDocument.Parse(json);
        return (Dictionary<string, object?>)ToObject(doc.RootElement)!;
    }

    private static object? ToObject(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToObject(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(ToObject).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
