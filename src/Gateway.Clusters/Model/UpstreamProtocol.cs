namespace Gateway.Clusters.Model;

/// <summary>What the cluster speaks upstream (typed_extension_protocol_options; Envoy's default is HTTP/1.1).</summary>
public enum UpstreamProtocol
{
    Http1,
    Http2,

    /// <summary>auto_config: HTTP/2 where ALPN offers it, else HTTP/1.1.</summary>
    Auto,
}
