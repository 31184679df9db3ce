namespace Gateway.Clusters.Model;

/// <summary>
/// The HCM's downstream codec and connection settings (http_protocol_options,
/// common_http_protocol_options and the HCM's own timeouts), with Envoy's defaults.
/// </summary>
public sealed record DownstreamProtocolConfig
{
    public static readonly DownstreamProtocolConfig Default = new();

    /// <summary>http_protocol_options.accept_http_10: HTTP/1.0 is served instead of answered 426.</summary>
    public bool AcceptHttp10 { get; init; }

    /// <summary>http_protocol_options.default_host_for_http_10: the Host an HTTP/1.0 request without one gets.</summary>
    public string? DefaultHostForHttp10 { get; init; }

    /// <summary>http_protocol_options.allow_chunked_length: Content-Length beside chunked is dropped instead of answered 400.</summary>
    public bool AllowChunkedLength { get; init; }

    /// <summary>common_http_protocol_options.max_headers_count (Envoy's default 100; more is 431).</summary>
    public int MaxHeadersCount { get; init; } = 100;

    /// <summary>common_http_protocol_options.headers_with_underscores_action (Envoy's default ALLOW).</summary>
    public HeadersWithUnderscoresAction HeadersWithUnderscores { get; init; }

    /// <summary>common_http_protocol_options.idle_timeout: a connection with no stream for this long is closed (Envoy: 1 hour).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>common_http_protocol_options.max_connection_duration; null when unlimited.</summary>
    public TimeSpan? MaxConnectionDuration { get; init; }

    /// <summary>common_http_protocol_options.max_stream_duration: the longest a stream may live; null when unlimited.</summary>
    public TimeSpan? MaxStreamDuration { get; init; }

    /// <summary>request_headers_timeout; null when disabled (Envoy's default).</summary>
    public TimeSpan? RequestHeadersTimeout { get; init; }

    /// <summary>stream_idle_timeout (Envoy: 5 minutes); null when disabled (0s). A route's idle_timeout overrides it.</summary>
    public TimeSpan? StreamIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>http2_protocol_options as Kestrel applies them.</summary>
    public DownstreamHttp2Config Http2 { get; init; } = DownstreamHttp2Config.Default;

    /// <summary>The facts the bound socket depends on, for the listener's rebind key.</summary>
    public override string ToString() =>
        $"{AcceptHttp10}/{DefaultHostForHttp10}/{AllowChunkedLength}/{MaxHeadersCount}/{IdleTimeout}/{MaxConnectionDuration}/{RequestHeadersTimeout}/{Http2}";
}
