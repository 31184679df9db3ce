namespace Gateway.Clusters.Model;

/// <summary>One lb_endpoint: address (IP or host name), port, load-balancing weight and priority.</summary>
/// <param name="Hostname">endpoint.hostname: the name auto_host_rewrite sends for this host (Envoy prefers it to a DNS name).</param>
public sealed record EndpointConfig(string Address, int Port, int Weight, int Priority, string? Hostname = null)
{
    /// <summary>lb_endpoint metadata.filter_metadata by namespace (Struct values as maps, lists, strings, numbers, bools), for %UPSTREAM_METADATA%; null when none.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }
}
