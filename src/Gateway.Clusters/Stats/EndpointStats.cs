namespace Gateway.Clusters.Stats;

/// <summary>Per-host counters as Envoy's <c>/clusters</c> lists them.</summary>
public sealed class EndpointStats
{
    public long CxActive;
    public long CxConnectFail;
    public long CxTotal;
    public long RqActive;
    public long RqError;
    public long RqSuccess;
    public long RqTimeout;
    public long RqTotal;
}
