namespace Gateway.Clusters.Model;

/// <summary>ZipkinConfig.collector_endpoint_version values this gateway sends (HTTP_PROTO and GRPC are refused by name).</summary>
public enum ZipkinCollectorEndpointVersion
{
    HttpJson,
}
