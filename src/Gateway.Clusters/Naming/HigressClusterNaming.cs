using System.Globalization;

namespace Gateway.Clusters.Naming;

/// <summary>
/// Reproduces <c>ClusterName()</c> and <c>HostName()</c> of wasm-go's cluster types byte for byte,
/// because the callout is dispatched by name and a one-character difference means Envoy answers
/// "bad argument". Quirks of the Go code are kept on purpose; see the per-kind comments.
/// </summary>
public static class HigressClusterNaming
{
    /// <summary>
    /// The Envoy cluster name wasm-go dispatches the callout to.
    /// </summary>
    /// <param name="routeClusterName">
    /// The cluster of the route the request matched (the <c>cluster_name</c> property); used only for
    /// <see cref="HigressClusterKind.Route"/>. Go returns "" when the property is missing, so null gives "".
    /// </param>
    public static string ClusterName(HigressClusterSpec spec, string? routeClusterName = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Go's %d on int64: plain decimal, '-' for negatives, never culture-specific.
        var port = spec.Port.ToString(CultureInfo.InvariantCulture);
        switch (spec.Kind)
        {
            case HigressClusterKind.StaticIp:
                return $"outbound|{port}||{spec.ServiceName}.static";

            case HigressClusterKind.Fqdn:
                return $"outbound|{port}||{spec.Fqdn}";

            case HigressClusterKind.K8s:
            {
                // Only the name defaults the namespace; HostName below does not (Go quirk).
                var ns = spec.Namespace.Length == 0 ? "default" : spec.Namespace;
                return $"outbound|{port}|{spec.Version}|{spec.ServiceName}.{ns}.svc.cluster.local";
            }

            case HigressClusterKind.Nacos:
            {
                // Go replaces '_' only when a group was given; the default is already dashed.
                var group = spec.Group.Length == 0 ? "DEFAULT-GROUP" : spec.Group.Replace('_', '-');
                var tail = spec.IsExtRegistry ? "nacos-ext" : "nacos";
                return $"outbound|{port}|{spec.Version}|{spec.ServiceName}.{group}.{spec.NamespaceId}.{tail}";
            }

            case HigressClusterKind.Consul:
                return $"outbound|{port}||{spec.ServiceName}.{spec.Datacenter}.consul";

            case HigressClusterKind.Dns:
                return $"outbound|{port}||{spec.ServiceName}.dns";

            case HigressClusterKind.Target:
                return spec.Cluster;

            case HigressClusterKind.Route:
                return routeClusterName ?? "";

            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown Higress cluster kind.");
        }
    }

    /// <summary>
    /// The <c>:authority</c> wasm-go gives the callout (before a host in the URL overrides it).
    /// May be empty; the HTTP client then falls back to <c>unknownhost</c>, which is not this type's job.
    /// </summary>
    /// <param name="requestAuthority">
    /// The downstream request's <c>:authority</c>; used only for <see cref="HigressClusterKind.Route"/>
    /// without a Host. Go returns "" when the header is unreadable, so null gives "".
    /// </param>
    public static string HostName(HigressClusterSpec spec, string? requestAuthority = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var host = spec.Host;
        return spec.Kind switch
        {
            HigressClusterKind.StaticIp => host.Length != 0 ? host : spec.ServiceName,
            HigressClusterKind.Fqdn => host.Length != 0 ? host : spec.Fqdn,
            // The raw namespace on purpose: Go gives "svc..svc.cluster.local" when it is empty.
            HigressClusterKind.K8s => host.Length != 0 ? host : $"{spec.ServiceName}.{spec.Namespace}.svc.cluster.local",
            HigressClusterKind.Nacos => host.Length != 0 ? host : spec.ServiceName,
            HigressClusterKind.Consul => host.Length != 0 ? host : spec.ServiceName,
            // DnsCluster has no Host field in Go: the domain is always the authority.
            HigressClusterKind.Dns => spec.Domain,
            // TargetCluster returns Host as is, even when empty.
            HigressClusterKind.Target => host,
            HigressClusterKind.Route => host.Length != 0 ? host : requestAuthority ?? "",
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown Higress cluster kind."),
        };
    }
}
