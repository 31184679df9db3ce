using System.Collections.Concurrent;
using Gateway.Clusters.Stats;

namespace Gateway.Network;

/// <summary>The tcp_proxy stats by stat_prefix, reported to /stats under Envoy's names and tags.</summary>
public sealed class TcpProxyStatsRegistry : IReportsStats
{
    private readonly ConcurrentDictionary<string, TcpProxyStats> _byPrefix = new(StringComparer.Ordinal);

    public TcpProxyStats For(string statPrefix) => _byPrefix.GetOrAdd(statPrefix, static _ => new TcpProxyStats());

    public void ReportStats(IStatsWriter writer)
    {
        foreach (var (prefix, s) in _byPrefix.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var name = "tcp." + prefix + ".";
            StatTag[] tags = [new("envoy_tcp_prefix", prefix)];

            void Counter(string stat, ref long value) => writer.Counter(name + stat, ref value, "tcp." + stat, tags);
            void Gauge(string stat, long value) => writer.Gauge(name + stat, value, "tcp." + stat, tags);

            Counter("downstream_cx_total", ref s.DownstreamCxTotal);
            Counter("downstream_cx_no_route", ref s.DownstreamCxNoRoute);
            Counter("downstream_cx_rx_bytes_total", ref s.DownstreamCxRxBytesTotal);
            Counter("downstream_cx_tx_bytes_total", ref s.DownstreamCxTxBytesTotal);
            Counter("downstream_flow_control_paused_reading_total", ref s.DownstreamFlowControlPausedReadingTotal);
            Counter("downstream_flow_control_resumed_reading_total", ref s.DownstreamFlowControlResumedReadingTotal);
            Counter("idle_timeout", ref s.IdleTimeout);
            Counter("max_downstream_connection_duration", ref s.MaxDownstreamConnectionDuration);
            Counter("upstream_flush_total", ref s.UpstreamFlushTotal);
            Gauge("downstream_cx_rx_bytes_buffered", Volatile.Read(ref s.DownstreamCxRxBytesBuffered));
            Gauge("downstream_cx_tx_bytes_buffered", Volatile.Read(ref s.DownstreamCxTxBytesBuffered));
            Gauge("upstream_flush_active", Volatile.Read(ref s.UpstreamFlushActive));
        }
    }
}
