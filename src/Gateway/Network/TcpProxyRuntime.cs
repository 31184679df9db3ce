using System.Text;
using Gateway.AccessLog;
using Gateway.Clusters.Model;

namespace Gateway.Network;

/// <summary>A tcp_proxy filter compiled for one config load: its config, stats, access logs and cluster choice.</summary>
internal sealed class TcpProxyRuntime
{
    private readonly (TcpAccessLogFormat Format, AccessLogSinkTarget Sink)[] _logs;
    private readonly AccessLogService? _service;
    private readonly int _totalWeight;

    public TcpProxyRuntime(TcpProxyConfig config, TcpProxyStats stats, AccessLogService? service)
    {
        Config = config;
        Stats = stats;
        _service = service;
        _logs = service is null ? [] : config.AccessLogs.Select(l => (new TcpAccessLogFormat(l), service.SinkFor(l))).ToArray();
        _totalWeight = config.WeightedClusters.Sum(c => c.Weight);
    }

    public TcpProxyConfig Config { get; }

    public TcpProxyStats Stats { get; }

    public bool Logs => _logs.Length > 0;

    /// <summary>The cluster for a new connection: <c>cluster</c>, or one of weighted_clusters by weight.</summary>
    public string PickCluster()
    {
        if (Config.Cluster is { } cluster)
        {
            return cluster;
        }

        var roll = Random.Shared.Next(_totalWeight);
        foreach (var entry in Config.WeightedClusters)
        {
            roll -= entry.Weight;
            if (roll < 0)
            {
                return entry.Name;
            }
        }

        return Config.WeightedClusters[^1].Name;
    }

    public void Log(TcpSessionRecord record)
    {
        if (_service is null)
        {
            return;
        }

        var text = new StringBuilder(256);
        foreach (var (format, sink) in _logs)
        {
            text.Clear();
            format.Format(text, record);
            _service.Enqueue(sink, text.ToString());
        }
    }
}
