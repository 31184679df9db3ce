using System.Collections.Concurrent;
using Gateway.Clusters.Stats;

namespace Gateway.Filters.Wasm;

/// <summary>
/// The metrics a plugin defines (proxy_define_metric), shared by all its instances and, as in Envoy, by
/// every plugin with the same VM id: the same name is the same stat. Reported by the admin as
/// <c>wasmcustom.&lt;name&gt;</c>. Histograms are shown as their count and sum of recorded values.
/// </summary>
internal sealed class WasmMetrics : IReportsStats
{
    private static readonly ConcurrentDictionary<string, WasmMetrics> ByVmId = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, uint> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, Metric> _metrics = new();
    private int _nextId;

    public static WasmMetrics For(string vmId) => ByVmId.GetOrAdd(vmId, _ => new WasmMetrics());

    public uint Define(int type, string name) =>
        _ids.GetOrAdd(type + ":" + name, _ =>
        {
            var id = (uint)Interlocked.Increment(ref _nextId);
            _metrics[id] = new Metric(type, name);
            return id;
        });

    public int Increment(uint id, long offset)
    {
        if (!_metrics.TryGetValue(id, out var metric) || metric.Type == ProxyWasmAbi.MetricHistogram)
        {
            return ProxyWasmAbi.NotFound;
        }

        // As Envoy: a counter only goes up (offset > 0); a gauge goes up or down.
        if (metric.Type == ProxyWasmAbi.MetricCounter && offset <= 0)
        {
            return ProxyWasmAbi.BadArgument;
        }

        Interlocked.Add(ref metric.Value, offset);
        return ProxyWasmAbi.Ok;
    }

    public int Record(uint id, long value)
    {
        if (!_metrics.TryGetValue(id, out var metric))
        {
            return ProxyWasmAbi.NotFound;
        }

        switch (metric.Type)
        {
            case ProxyWasmAbi.MetricCounter:
                // Envoy adds a recorded value to a counter.
                Interlocked.Add(ref metric.Value, value);
                break;
            case ProxyWasmAbi.MetricHistogram:
                Interlocked.Increment(ref metric.Count);
                Interlocked.Add(ref metric.Sum, value);
                Interlocked.Exchange(ref metric.Value, value);
                break;
            default:
                Interlocked.Exchange(ref metric.Value, value);
                break;
        }

        return ProxyWasmAbi.Ok;
    }

    public int Get(uint id, out long value)
    {
        value = 0;
        if (!_metrics.TryGetValue(id, out var metric))
        {
            return ProxyWasmAbi.NotFound;
        }

        value = Interlocked.Read(ref metric.Value);
        return ProxyWasmAbi.Ok;
    }

    public void ReportStats(IStatsWriter writer)
    {
        foreach (var metric in _metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var name = "wasmcustom." + metric.Name;
            switch (metric.Type)
            {
                case ProxyWasmAbi.MetricCounter:
                    writer.Counter(name, ref metric.Value);
                    break;
                case ProxyWasmAbi.MetricGauge:
                    writer.Gauge(name, Interlocked.Read(ref metric.Value));
                    break;
                default:
                    writer.Gauge(name + ".count", Interlocked.Read(ref metric.Count));
                    writer.Gauge(name + ".sum", Interlocked.Read(ref metric.Sum));
                    break;
            }
        }
    }

    private sealed class Metric(int type, string name)
    {
        public readonly int Type = type;
        public readonly string Name = name;
        public long Value;
        public long Count;
        public long Sum;
    }
}
