namespace Gateway.Clusters.Model;

/// <summary>tracing.provider: the tracer and where it sends its spans.</summary>
/// <param name="Name">The provider's name (envoy.tracers.opentelemetry, envoy.tracers.zipkin).</param>
/// <param name="Kind">Which tracer.</param>
/// <param name="Cluster">The cluster the spans go to (envoy_grpc.cluster_name, http_uri.cluster or collector_cluster).</param>
/// <param name="Path">The request path of an HTTP export (http_uri's path or collector_endpoint); empty for gRPC.</param>
/// <param name="ServiceName">The service name spans are reported under.</param>
/// <param name="Timeout">The export request's timeout (grpc_service.timeout or http_uri.timeout); null: none.</param>
public sealed record TracingProviderConfig(
    string Name,
    TracingProviderKind Kind,
    string Cluster,
    string Path,
    string ServiceName,
    TimeSpan? Timeout)
{
    /// <summary>Headers sent with each export (http_service.request_headers_to_add or grpc_service.initial_metadata).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Host header of the export (collector_hostname, envoy_grpc.authority); null: the cluster name.</summary>
    public string? Authority { get; init; }

    /// <summary>Zipkin: the server span shares the client's span id (shared_span_context, default true).</summary>
    public bool SharedSpanContext { get; init; } = true;

    /// <summary>Zipkin: new traces get 128-bit ids (trace_id_128bit).</summary>
    public bool TraceId128Bit { get; init; }
}
