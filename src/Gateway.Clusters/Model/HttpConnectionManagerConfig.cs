namespace Gateway.Clusters.Model;

/// <summary>envoy.filters.network.http_connection_manager, as far as this gateway implements it.</summary>
public sealed record HttpConnectionManagerConfig(
    string StatPrefix,
    CodecType CodecType,
    RouteTableConfig RouteConfig,
    IReadOnlyList<HttpFilterConfig> HttpFilters,
    string ServerName,
    ServerHeaderTransformation ServerHeaderTransformation,
    IReadOnlyList<AccessLogConfig> AccessLogs,
    bool StripMatchingHostPort,
    bool StripAnyHostPort,
    bool UseRemoteAddress,
    bool GenerateRequestId,
    bool AlwaysSetRequestIdInResponse,
    IReadOnlyList<string> UpgradeTypes,
    TimeSpan? RequestTimeout,
    int MaxRequestHeadersKb)
{
    /// <summary>local_reply_config, or null when the HCM has none.</summary>
    public LocalReplyConfig? LocalReply { get; init; }

    /// <summary>tracing, or null when the HCM traces nothing (then no request pays for tracing).</summary>
    public TracingConfig? Tracing { get; init; }

    /// <summary>Downstream codec and connection settings (HTTP/1.0, header count, timeouts).</summary>
    public DownstreamProtocolConfig Protocol { get; init; } = DownstreamProtocolConfig.Default;

    /// <summary>Client address and internal-request rules at the edge.</summary>
    public EdgeAddressConfig Edge { get; init; } = EdgeAddressConfig.Default;

    /// <summary>strip_trailing_host_dot: <c>a.test.</c> is served (and forwarded) as <c>a.test</c>.</summary>
    public bool StripTrailingHostDot { get; init; }

    /// <summary>add_user_agent: requests carry x-envoy-downstream-service-cluster/-node (and a user-agent when they have none).</summary>
    public bool AddUserAgent { get; init; }

    /// <summary>skip_xff_append: with use_remote_address, the peer is not appended to x-forwarded-for.</summary>
    public bool SkipXffAppend { get; init; }

    /// <summary>via: appended to the via header of requests and responses; null when empty.</summary>
    public string? Via { get; init; }

    /// <summary>normalize_path, merge_slashes and path_with_escaped_slashes_action.</summary>
    public PathNormalizationConfig PathNormalization { get; init; } = PathNormalizationConfig.None;
}
