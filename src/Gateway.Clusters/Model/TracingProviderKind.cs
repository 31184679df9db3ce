namespace Gateway.Clusters.Model;

/// <summary>The tracers this gateway implements.</summary>
public enum TracingProviderKind
{
    /// <summary>envoy.tracers.opentelemetry over OTLP/gRPC (grpc_service.envoy_grpc).</summary>
    OpenTelemetryGrpc,

    /// <summary>envoy.tracers.opentelemetry over OTLP/HTTP protobuf (http_service).</summary>
    OpenTelemetryHttp,

    /// <summary>envoy.tracers.zipkin, JSON v2 over HTTP (collector_endpoint_version HTTP_JSON).</summary>
    Zipkin,
}
