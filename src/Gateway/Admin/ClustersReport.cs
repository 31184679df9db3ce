using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Clusters.Model;
using Gateway.Clusters.Table;

namespace Gateway.Admin;

/// <summary>
/// GET /clusters: Envoy's <c>{cluster}::...</c> text lines per cluster and per host, or
/// <c>?format=json</c> with <c>cluster_statuses[]</c> (envoy.admin.v3.Clusters).
/// </summary>
public static class ClustersReport
{
    public static string Text(ClusterTable clusters)
    {
        var text = new StringBuilder();
        foreach (var cluster in clusters.Entries.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var name = cluster.Name;
            var limits = cluster.Config.CircuitBreakers;
            text.Append(name).Append("::observability_name::").Append(name).Append('\n');
            AppendThresholds(text, name, "default", limits);
            AppendThresholds(text, name, "high", CircuitBreakerThresholds.Default);
            text.Append(name).Append("::added_via_api::false\n");
            foreach (var host in cluster.Endpoints.All)
            {
                var prefix = name + "::" + host.Address + "::";
                foreach (var (stat, value) in HostStats(host))
                {
                    text.Append(prefix).Append(stat).Append("::").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(prefix).Append("hostname::").Append(Hostname(cluster, host)).Append('\n');
                text.Append(prefix).Append("health_flags::").Append(host.HealthFlags).Append('\n');
                text.Append(prefix).Append("weight::").Append(host.Weight).Append('\n');
                text.Append(prefix).Append("region::\n");
                text.Append(prefix).Append("zone::\n");
                text.Append(prefix).Append("sub_zone::\n");
                text.Append(prefix).Append("canary::false\n");
                text.Append(prefix).Append("priority::").Append(host.Priority).Append('\n');
                text.Append(prefix).Append("success_rate::-1\n");
                text.Append(prefix).Append("local_origin_success_rate::-1\n");
            }
        }

        return text.ToString();
    }

    public static string Json(ClusterTable clusters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("cluster_statuses");
            foreach (var cluster in clusters.Entries.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("name", cluster.Name);
                json.WriteString("observability_name", cluster.Name);
                json.WriteStartObject("circuit_breakers");
                json.WriteStartArray("thresholds");
                WriteThresholds(json, null, cluster.Config.CircuitBreakers);
                WriteThresholds(json, "HIGH", CircuitBreakerThresholds.Default);
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartArray("host_statuses");
                foreach (var host in cluster.Endpoints.All)
                {
                    json.WriteStartObject();
                    json.WriteStartObject("address");
                    json.WriteStartObject("socket_address");
                    json.WriteString("address", host.Host);
                    json.WriteNumber("port_value", host.Port);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteStartArray("stats");
                    foreach (var (stat, value) in HostStats(host))
                    {
                        json.WriteStartObject();
                        json.WriteString("name", stat);
                        json.WriteString("value", value.ToString(CultureInfo.InvariantCulture));
                        if (stat is "cx_active" or "rq_active")
                        {
                            json.WriteString("type", "GAUGE");
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteStartObject("health_status");
                    if (host.FailedActiveHealthCheck)
                    {
                        json.WriteBoolean("failed_active_health_check", true);
                    }

                    if (host.Ejected)
                    {
                        json.WriteBoolean("failed_outlier_check", true);
                    }

                    json.WriteString("eds_health_status", "HEALTHY");
                    json.WriteEndObject();
                    json.WriteNumber("weight", host.Weight);
                    var hostname = Hostname(cluster, host);
                    if (hostname.Length > 0)
                    {
                        json.WriteString("hostname", hostname);
                    }

                    if (host.Priority != 0)
                    {
                        json.WriteNumber("priority", host.Priority);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Per-host stats in Envoy's (alphabetical) order: counters and the two gauges.</summary>
    private static (string, long)[] HostStats(UpstreamEndpoint host)
    {
        var s = host.Stats;
        return
        [
            ("cx_active", Volatile.Read(ref s.CxActive)),
            ("cx_connect_fail", Volatile.Read(ref s.CxConnectFail)),
            ("cx_total", Volatile.Read(ref s.CxTotal)),
            ("rq_active", Volatile.Read(ref s.RqActive)),
            ("rq_error", Volatile.Read(ref s.RqError)),
            ("rq_success", Volatile.Read(ref s.RqSuccess)),
            ("rq_timeout", Volatile.Read(ref s.RqTimeout)),
            ("rq_total", Volatile.Read(ref s.RqTotal)),
        ];
    }

    /// <summary>Envoy shows the configured host name for DNS clusters, empty for static IPs.</summary>
    private static string Hostname(ClusterEntry cluster, UpstreamEndpoint host)
    {
        if (cluster.Config.Type == DiscoveryType.Static)
        {
            return "";
        }

        return cluster.Config.Endpoints.FirstOrDefault(e => e.Port == host.Port)?.Address ?? "";
    }

    private static void AppendThresholds(StringBuilder text, string name, string priority, CircuitBreakerThresholds limits)
    {
        var prefix = name + "::" + priority + "_priority::";
        text.Append(prefix).Append("max_connections::").Append(limits.MaxConnections).Append('\n');
        text.Append(prefix).Append("max_pending_requests::").Append(limits.MaxPendingRequests).Append('\n');
        text.Append(prefix).Append("max_requests::").Append(limits.MaxRequests).Append('\n');
        text.Append(prefix).Append("max_retries::").Append(limits.MaxRetries).Append('\n');
    }

    private static void WriteThresholds(Utf8JsonWriter json, string? priority, CircuitBreakerThresholds limits)
    {
        json.WriteStartObject();
        if (priority is not null)
        {
            json.WriteString("priority", priority);
        }

        json.WriteNumber("max_connections", limits.MaxConnections);
        json.WriteNumber("max_pending_requests", limits.MaxPendingRequests);
        json.WriteNumber("max_requests", limits.MaxRequests);
        json.WriteNumber("max_retries", limits.MaxRetries);
        json.WriteEndObject();
    }
}
