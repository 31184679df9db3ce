using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Clusters.Model;

namespace Gateway.Stats;

/// <summary>
/// The bootstrap's statsd / DogStatsD sinks (Envoy's UdpStatsdSink), flushed every stats_flush_interval:
/// each counter that has counted anything as <c>prefix.name:delta|c</c> (its change since the last flush,
/// 0 included), each gauge that has been set as <c>prefix.name:value|g</c>. Plain statsd sends Envoy's full
/// stat names, one line per datagram; DogStatsD sends the tag-extracted name with <c>|#tag:value,...</c>,
/// lines batched up to max_bytes_per_datagram. Nothing runs unless a sink is configured.
/// </summary>
internal sealed class StatsdFlusher : IAsyncDisposable
{
    private readonly GatewayStatsSource _source;
    private readonly (IPEndPoint EndPoint, StatsSinkConfig Config)[] _sinks;
    private readonly Socket _socket = new(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
    private readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedGauges = new(StringComparer.Ordinal);
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StatsdFlusher(GatewayStatsSource source, IReadOnlyList<StatsSinkConfig> sinks, TimeSpan interval)
    {
        _source = source;
        _sinks = sinks.Select(s => (new IPEndPoint(Resolve(s.Address), s.Port), s)).ToArray();
        _timer = new PeriodicTimer(interval);
        _loop = RunAsync();
    }

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).FirstOrDefault() ?? IPAddress.Loopback;

    private async Task RunAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One flush: the lines of every used counter and gauge, to every sink.</summary>
    internal void Flush()
    {
        var collector = new StatsCollector();
        _source.Report(collector);
        var lines = new List<(StatSample Sample, long Value, string Type)>();
        foreach (var sample in collector.Sorted())
        {
            if (sample.Kind == StatKind.Counter)
            {
                var seen = _counters.TryGetValue(sample.Name, out var last);
                // A counter reset (admin /reset_counters) starts its deltas again from 0.
                var delta = sample.Value >= last ? sample.Value - last : sample.Value;
                if (seen || sample.Value > 0)
                {
                    _counters[sample.Name] = sample.Value;
                    lines.Add((sample, delta, "|c"));
                }
            }
            else
            {
                if (sample.Value != 0)
                {
                    _usedGauges.Add(sample.Name);
                }

                if (_usedGauges.Contains(sample.Name))
                {
                    lines.Add((sample, sample.Value, "|g"));
                }
            }
        }

        foreach (var (endPoint, sink) in _sinks)
        {
            Send(endPoint, sink, lines);
        }
    }

    private void Send(IPEndPoint endPoint, StatsSinkConfig sink, List<(StatSample Sample, long Value, string Type)> lines)
    {
        var batch = new StringBuilder();
        foreach (var (sample, value, type) in lines)
        {
            var line = new StringBuilder(sink.Prefix).Append('.').Append(sink.Tagged ? sample.TagExtractedName : sample.Name)
                .Append(':').Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(type);
            if (sink.Tagged && sample.Tags.Length > 0)
            {
                // Envoy's tag names are dotted (envoy.cluster_name); the registry keeps Prometheus' spelling.
                line.Append("|#").AppendJoin(',', sample.Tags.Select(t => DottedTagName(t.Name) + ":" + t.Value));
            }

            if (sink.MaxBytesPerDatagram <= 0)
            {
                Write(endPoint, line.ToString());
                continue;
            }

            if (batch.Length > 0 && batch.Length + 1 + line.Length > sink.MaxBytesPerDatagram)
            {
                Write(endPoint, batch.ToString());
                batch.Clear();
            }

            batch.Append(batch.Length > 0 ? "\n" : "").Append(line);
        }

        if (batch.Length > 0)
        {
            Write(endPoint, batch.ToString());
        }
    }

    private static string DottedTagName(string name) =>
        name.StartsWith("envoy_", StringComparison.Ordinal) ? "envoy." + name["envoy_".Length..] : name;

    private void Write(IPEndPoint endPoint, string datagram)
    {
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(datagram), endPoint);
        }
        catch (SocketException)
        {
            // No collector listening is the collector's business: statsd is fire and forget.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _timer.Dispose();
        _stop.Dispose();
        _socket.Dispose();
    }
}
