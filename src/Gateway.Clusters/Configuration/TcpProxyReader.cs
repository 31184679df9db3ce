using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.</summary>
internal static class TcpProxyReader
{
    private const string WeightedClusterType = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster";

    public static TcpProxyConfig? Read(MessageReader tcp, IReadOnlySet<string> clusterNames)
    {
        var statPrefix = tcp.RequiredString("stat_prefix");
        var cluster = tcp.String("cluster");
        var weighted = new List<WeightedClusterEntryConfig>();
        if (tcp.Message("weighted_clusters", WeightedClusterType) is { } w)
        {
            foreach (var entry in w.Messages("clusters", WeightedClusterType + ".ClusterWeight"))
            {
                var name = entry.RequiredString("name");
                var weight = (int)(entry.Integer("weight", 1, int.MaxValue) ?? 1);
                entry.Accept("metadata_match");
                entry.Finish();
                CheckCluster(entry, "name", name, clusterNames);
                weighted.Add(new WeightedClusterEntryConfig(name, weight, HeaderMutationConfig.Empty));
            }

            w.Finish();
        }

        if (cluster is not null)
        {
            CheckCluster(tcp, "cluster", cluster, clusterNames);
        }

        var idle = tcp.Has("idle_timeout") ? tcp.Duration("idle_timeout") : TimeSpan.FromHours(1);
        if (idle == TimeSpan.Zero)
        {
            idle = null;
        }

        var attempts = (int)(tcp.Integer("max_connect_attempts", 1, 100) ?? 1);
        var maxDuration = tcp.Duration("max_downstream_connection_duration");
        var logs = AccessLogReader.ReadAll(tcp.Messages("access_log", "envoy.config.accesslog.v3.AccessLog"));
        tcp.Unsupported("hash_policy", "tcp_proxy hash_policy (consistent-hash load balancing) is not implemented; remove it to balance with the cluster's lb_policy");
        tcp.Unsupported("tunneling_config", "CONNECT tunneling is not implemented");
        tcp.Unsupported("on_demand", "on-demand cluster discovery is not implemented");
        tcp.Accept("metadata_match");
        tcp.Accept("access_log_options");
        tcp.Finish();
        if (cluster is null && weighted.Count == 0)
        {
            tcp.Context.Error(tcp.Join("cluster"), tcp.Mark, "tcp_proxy needs a cluster or weighted_clusters");
            return null;
        }

        return new TcpProxyConfig(statPrefix, cluster, weighted, idle, attempts, maxDuration, logs);
    }

    private static void CheckCluster(MessageReader reader, string field, string name, IReadOnlySet<string> clusterNames)
    {
        if (!clusterNames.Contains(name))
        {
            // Envoy accepts this and closes each connection (downstream_cx_no_route); a warning says why up front.
            reader.Context.Warning(reader.Join(field), reader.MarkOf(field),
                $"tcp_proxy: unknown cluster '{name}'; connections will be closed (downstream_cx_no_route) until it is defined under static_resources.clusters");
        }
    }
}
