namespace Gateway.Network;

/// <summary>
/// Envoy's <c>tcp.&lt;stat_prefix&gt;.*</c> counters and gauges. One object per stat_prefix, shared
/// by every chain that names it and kept across reloads, as Envoy's stats are.
/// </summary>
public sealed class TcpProxyStats
{
    public long DownstreamCxTotal;
    public long DownstreamCxNoRoute;
    public long DownstreamCxRxBytesTotal;
    public long DownstreamCxTxBytesTotal;
    public long DownstreamCxRxBytesBuffered;
    public long DownstreamCxTxBytesBuffered;
    public long DownstreamFlowControlPausedReadingTotal;
    public long DownstreamFlowControlResumedReadingTotal;
    public long IdleTimeout;
    public long MaxDownstreamConnectionDuration;
    public long UpstreamFlushTotal;
    public long UpstreamFlushActive;
}
