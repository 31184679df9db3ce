namespace Gateway.Filters.JwtAuthn;

/// <summary>One entry of JwtAuthentication.providers (envoy.extensions.filters.http.jwt_authn.v3.JwtProvider).</summary>
public sealed record JwtProviderConfig
{
    public required string Name { get; init; }

    /// <summary>issuer: the token's iss must equal it when set.</summary>
    public string Issuer { get; init; } = "";

    /// <summary>audiences: one of the token's aud must be listed when any are.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>local_jwks as JSON text; null with remote_jwks.</summary>
    public string? LocalJwks { get; init; }

    /// <summary>remote_jwks.http_uri.cluster; null with local_jwks.</summary>
    public string? RemoteCluster { get; init; }

    /// <summary>remote_jwks.http_uri.uri (path and Host of the fetch).</summary>
    public string RemoteUri { get; init; } = "";

    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>remote_jwks.cache_duration (Envoy's default 10 minutes).</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<JwtTokenLocation> Locations { get; init; } = [];

    /// <summary>forward: keep the token in the request sent upstream.</summary>
    public bool Forward { get; init; }

    public string ForwardPayloadHeader { get; init; } = "";

    public bool PadForwardPayloadHeader { get; init; }

    /// <summary>payload_in_metadata: the payload is put in dynamic metadata under this key.</summary>
    public string PayloadInMetadata { get; init; } = "";

    public string HeaderInMetadata { get; init; } = "";

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>claim_to_headers: (header, claim) pairs copied to the request on success.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ClaimToHeaders { get; init; } = [];

    public bool ClearRouteCache { get; init; }
}
