namespace Gateway.Clusters.Model;

/// <summary>What the cluster speaks upstream (typed_extension_protocol_options; Envoy's default is HTTP/1.1).</summary>
public enum UpstreamProtocol
{
    Http1,
    Http2,

    /// <summary>auto_config: HTTP/2 where ALPN offers it, else HTTP/1.1.</summary>
    Auto,

    /// <summary>
    /// use_downstream_protocol_config (or protocol_selection USE_DOWNSTREAM_PROTOCOL): each request upstream in the
    /// downstream request's HTTP version (HTTP/1.0 as 1.1). Over TLS, ALPN chooses, as for Auto.
    /// </summary>
    UseDownstream,
}
