using Gateway.Clusters.Model;

namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// A parsed envoy.extensions.filters.http.ext_authz.v3.ExtAuthz. Header lists are string matchers on
/// lower-case header names; a null list means "not configured" (each has Envoy's default then).
/// </summary>
public sealed record ExtAuthzSettings
{
    public required string FilterName { get; init; }

    public required ExtAuthzTransport Transport { get; init; }

    /// <summary>envoy_grpc.cluster_name or http_service.server_uri.cluster ("" with google_grpc).</summary>
    public required string ClusterName { get; init; }

    /// <summary>google_grpc.target_uri (host:port), dialled directly as Envoy's Google gRPC client does; null otherwise.</summary>
    public string? GoogleGrpcTarget { get; init; }

    /// <summary>grpc_service.timeout (Envoy's default 200 ms) or server_uri.timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>grpc_service.initial_metadata, sent with every Check call.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> InitialMetadata { get; init; } = [];

    /// <summary>http_service.path_prefix, put before the request's path.</summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>allowed_headers (top level, or http_service.authorization_request.allowed_headers); null: Envoy's default.</summary>
    public IReadOnlyList<StringMatcherConfig>? AllowedHeaders { get; init; }

    /// <summary>disallowed_headers: never sent, even when allowed.</summary>
    public IReadOnlyList<StringMatcherConfig> DisallowedHeaders { get; init; } = [];

    /// <summary>http_service.authorization_request.headers_to_add (fixed values).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HeadersToAdd { get; init; } = [];

    /// <summary>authorization_response.allowed_upstream_headers: set on the request (overriding) on success.</summary>
    public IReadOnlyList<StringMatcherConfig> AllowedUpstreamHeaders { get; init; } = [];

    /// <summary>authorization_response.allowed_upstream_headers_to_append: appended to the request on success.</summary>
    public IReadOnlyList<StringMatcherConfig> AllowedUpstreamHeadersToAppend { get; init; } = [];

    /// <summary>authorization_response.allowed_client_headers: sent to the client on a denial; null: all but Host.</summary>
    public IReadOnlyList<StringMatcherConfig>? AllowedClientHeaders { get; init; }

    /// <summary>authorization_response.allowed_client_headers_on_success: added to the response on success.</summary>
    public IReadOnlyList<StringMatcherConfig> AllowedClientHeadersOnSuccess { get; init; } = [];

    /// <summary>authorization_response.dynamic_metadata_from_headers: copied into the filter's dynamic metadata on success.</summary>
    public IReadOnlyList<StringMatcherConfig> DynamicMetadataFromHeaders { get; init; } = [];

    public bool FailureModeAllow { get; init; }

    /// <summary>failure_mode_allow_header_add: add <c>x-envoy-auth-failure-mode-allowed: true</c> when failing open.</summary>
    public bool FailureModeAllowHeaderAdd { get; init; }

    public ExtAuthzBodySettings? WithRequestBody { get; init; }

    public bool ClearRouteCache { get; init; }

    /// <summary>status_on_error.code (403 by default): the answer when the service cannot be reached.</summary>
    public int StatusOnError { get; init; } = 403;

    /// <summary>metadata_context_namespaces: dynamic metadata namespaces sent in the CheckRequest.</summary>
    public IReadOnlyList<string> MetadataContextNamespaces { get; init; } = [];

    /// <summary>include_peer_certificate (sent when the downstream presented one).</summary>
    public bool IncludePeerCertificate { get; init; }

    /// <summary>include_tls_session: send the SNI of the downstream TLS session.</summary>
    public bool IncludeTlsSession { get; init; }

    /// <summary>encode_raw_headers: gRPC headers as header_map (repeated, raw) instead of the merged map.</summary>
    public bool EncodeRawHeaders { get; init; }

    /// <summary>stat_prefix: stats are <c>cluster.&lt;route cluster&gt;.ext_authz.&lt;prefix&gt;.*</c>.</summary>
    public string StatPrefix { get; init; } = "";
}
