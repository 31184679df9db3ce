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
    string YamlPath)
{
    /// <summary>common_lb_config.healthy_panic_threshold in percent (Envoy's default 50; 0 disables panic).</summary>
    public double HealthyPanicThreshold { get; init; } = 50;

    /// <summary>load_assignment.policy.overprovisioning_factor (Envoy's default 140: a priority at 72% healthy still takes all the load).</summary>
    public int OverprovisioningFactor { get; init; } = 140;
}
