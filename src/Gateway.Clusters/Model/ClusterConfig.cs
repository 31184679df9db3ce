namespace Gateway.Clusters.Model;

/// <summary>One upstream cluster as Envoy defines it; the cluster table builds one runtime entry from it.</summary>
public sealed record ClusterConfig(
    string Name,
    DiscoveryType Type,
    TimeSpan ConnectTimeout,
    LbPolicy LbPolicy,
    DnsLookupFamily DnsLookupFamily,
    TimeSpan DnsRefreshRate,
    IReadOnlyList<EndpointConfig> Endpoints,
    UpstreamProtocol Protocol,
    UpstreamTlsConfig? Tls,
    CircuitBreakerThresholds CircuitBreakers,
    OutlierDetectionConfig? OutlierDetection,
    HealthCheckConfig? HealthCheck,
    TimeSpan? IdleTimeout,
    string YamlPath);
