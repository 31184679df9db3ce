namespace Gateway.Clusters.Naming;

/// <summary>
/// One wasm-go cluster value, flattened: the Go SDK has a struct per kind, but a single record keeps
/// config parsing and naming in one place. Fields a kind does not have are simply ignored by
/// <see cref="HigressClusterNaming"/> (the parser refuses them in JSON so mistakes are not silent).
/// Defaults are the Go zero values so an unset field names the cluster exactly as Go would.
/// </summary>
public sealed record HigressClusterSpec
{
    public required HigressClusterKind Kind { get; init; }

    /// <summary>StaticIp, K8s, Nacos, Consul, Dns.</summary>
    public string ServiceName { get; init; } = "";

    /// <summary>
    /// Go's <c>int64</c>; formatted with <c>%d</c>, so it is not range-checked here (the parser checks it).
    /// </summary>
    public long Port { get; init; }

    /// <summary>The <c>:authority</c> override (all kinds but Dns).</summary>
    public string Host { get; init; } = "";

    /// <summary>Fqdn.</summary>
    public string Fqdn { get; init; } = "";

    /// <summary>K8s. Empty means <c>default</c> in the cluster name only (see <see cref="HigressClusterNaming"/>).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>K8s, Nacos: the subset between the second and third <c>|</c>.</summary>
    public string Version { get; init; } = "";

    /// <summary>Nacos. Empty means <c>DEFAULT-GROUP</c>.</summary>
    public string Group { get; init; } = "";

    /// <summary>Nacos.</summary>
    public string NamespaceId { get; init; } = "";

    /// <summary>Nacos: EDAS/SAE registries use the <c>.nacos-ext</c> suffix.</summary>
    public bool IsExtRegistry { get; init; }

    /// <summary>Consul.</summary>
    public string Datacenter { get; init; } = "";

    /// <summary>Dns: used only as the <c>:authority</c>.</summary>
    public string Domain { get; init; } = "";

    /// <summary>Target: the literal Envoy cluster name.</summary>
    public string Cluster { get; init; } = "";
}
