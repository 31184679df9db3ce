namespace Gateway.Clusters.Naming;

/// <summary>
/// The cluster types of Higress wasm-go (<c>pkg/wrapper/cluster_wrapper.go</c>): each one builds the
/// Envoy cluster name a plugin's callout is dispatched to, and the <c>:authority</c> it carries.
/// </summary>
public enum HigressClusterKind
{
    /// <summary><c>StaticIpCluster</c>: <c>outbound|{Port}||{ServiceName}.static</c>.</summary>
    StaticIp,

    /// <summary><c>FQDNCluster</c>: <c>outbound|{Port}||{FQDN}</c>.</summary>
    Fqdn,

    /// <summary><c>K8sCluster</c>: <c>outbound|{Port}|{Version}|{ServiceName}.{Namespace}.svc.cluster.local</c>.</summary>
    K8s,

    /// <summary><c>NacosCluster</c>: <c>outbound|{Port}|{Version}|{ServiceName}.{Group}.{NamespaceID}.nacos</c>.</summary>
    Nacos,

    /// <summary><c>ConsulCluster</c>: <c>outbound|{Port}||{ServiceName}.{Datacenter}.consul</c>.</summary>
    Consul,

    /// <summary><c>DnsCluster</c>: <c>outbound|{Port}||{ServiceName}.dns</c>.</summary>
    Dns,

    /// <summary><c>TargetCluster</c>: the cluster name exactly as given.</summary>
    Target,

    /// <summary><c>RouteCluster</c>: the cluster of the route the request matched.</summary>
    Route,
}
