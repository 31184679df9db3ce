using Gateway.Clusters.Model;
using Gateway.Clusters.Table;

namespace Gateway.Tracing;

/// <summary>Builds the tracer of an HCM's tracing provider, bound to its collector cluster's entry.</summary>
internal static class TracerFactory
{
    /// <param name="nodeCluster">The node's cluster (--service-cluster): Zipkin's service name, as Envoy reports it.</param>
    public static ITracer? Create(TracingConfig config, ClusterTable clusters, string nodeCluster)
    {
        var provider = config.Provider;
        if (!clusters.TryGet(provider.Cluster, out var cluster))
        {
            // The loader has already refused an undefined cluster; nothing to export to otherwise.
            return null;
        }

        return provider.Kind switch
        {
            TracingProviderKind.Zipkin => new ZipkinTracer(provider, cluster, nodeCluster),
            _ => new OpenTelemetryTracer(provider, cluster),
        };
    }
}
