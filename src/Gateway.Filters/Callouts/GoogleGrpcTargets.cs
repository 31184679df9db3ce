using System.Collections.Concurrent;
using System.Net;
using Gateway.Clusters.Model;
using Gateway.Clusters.Table;

namespace Gateway.Filters.Callouts;

/// <summary>
/// Envoy's <c>google_grpc</c> transport talks to <c>target_uri</c> directly, outside the cluster manager.
/// Here each distinct target gets one process-wide HTTP/2 entry (pool, breaker, counters) built like a
/// cluster's, kept for the life of the process: configs name few targets, and a reload that names the
/// same target keeps its connections.
/// </summary>
public static class GoogleGrpcTargets
{
    private static readonly ConcurrentDictionary<string, Lazy<ClusterEntry>> Entries = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="target"/> is <c>host:port</c> (optionally <c>dns:///</c>-prefixed), which this gateway can dial.</summary>
    public static bool TryParse(string target, out string host, out int port)
    {
        host = "";
        port = 0;
        var text = target.StartsWith("dns:///", StringComparison.Ordinal) ? target[7..] : target;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out port) || port is <= 0 or > 65535)
        {
            return false;
        }

        host = text[..colon].Trim('[', ']');
        return host.Length > 0 && !host.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>The entry for <paramref name="target"/> (validated with <see cref="TryParse"/> at load).</summary>
    public static ClusterEntry For(string target) => Entries.GetOrAdd(target, static t => new Lazy<ClusterEntry>(() => Create(t))).Value;

    private static ClusterEntry Create(string target)
    {
        // Targets reach here only after TryParse accepted them at config load.
        _ = TryParse(target, out var host, out var port);
        var literal = IPAddress.TryParse(host, out _);
        var config = new ClusterConfig(
            "google_grpc:" + target,
            literal ? DiscoveryType.Static : DiscoveryType.LogicalDns,
            TimeSpan.FromSeconds(5),
            LbPolicy.RoundRobin,
            DnsLookupFamily.Auto,
            TimeSpan.FromSeconds(5),
            [new EndpointConfig(host, port, 1, 0)],
            UpstreamProtocol.Http2,
            null,
            CircuitBreakerThresholds.Default,
            null,
            null,
            null,
            "google_grpc.target_uri");
        return new ClusterEntry(config);
    }
}
