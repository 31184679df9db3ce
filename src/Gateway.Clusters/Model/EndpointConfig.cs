namespace Gateway.Clusters.Model;

/// <summary>One lb_endpoint: address (IP or host name), port, load-balancing weight and priority.</summary>
/// <param name="Hostname">endpoint.hostname: the name auto_host_rewrite sends for this host (Envoy prefers it to a DNS name).</param>
public sealed record EndpointConfig(string Address, int Port, int Weight, int Priority, string? Hostname = null)
{
    /// <summary>lb_endpoint metadata.filter_metadata by namespace (Struct values as maps, lists, strings, numbers, bools), for %UPSTREAM_METADATA%; null when none.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }

    /// <summary>health_check_config.address: the host health checks go to instead of this endpoint's; null for the endpoint's own.</summary>
    public string? HealthCheckHost { get; init; }

    /// <summary>health_check_config.port_value (else address's port): the port health checks go to; null for the endpoint's own.</summary>
    public int? HealthCheckPort { get; init; }

    /// <summary>health_check_config.hostname: the Host header of this endpoint's HTTP health checks, over the health check's own host.</summary>
    public string? HealthCheckHostname { get; init; }

    /// <summary>health_check_config.disable_active_health_check: the cluster's health checks skip this host.</summary>
    public bool ActiveHealthCheckDisabled { get; init; }
}
