using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Filters.JwtAuthn;

/// <summary>An RSA key the test generated, its JWKS, and tokens signed with it.</summary>
public sealed class TestKeys : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public TestKeys(string kid = "k1")
    {
        Kid = kid;
        var parameters = _rsa.ExportParameters(false);
        Jwks = JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    kid,
                    alg = "RS256",
                    use = "sig",
                    n = Base64UrlEncoder.Encode(parameters.Modulus),
                    e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }

    public string Kid { get; }

    public string Jwks { get; }

    public string Token(string issuer = "https://issuer.test", string audience = "api", TimeSpan? lifetime = null, IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
            NotBefore = expires < now ? expires.AddMinutes(-10) : now.AddMinutes(-1),
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now.AddMinutes(-1),
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public void Dispose() => _rsa.Dispose();
}
