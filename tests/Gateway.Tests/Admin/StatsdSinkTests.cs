using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Admin;

/// <summary>
/// Bootstrap stats_sinks over UDP to a collector on 127.0.0.1, as Envoy's statsd and DogStatsD sinks send:
/// counter deltas per flush (|c), gauges (|g), full names for statsd, tag-extracted names with |# tags for
/// DogStatsD (lines batched in a datagram).
/// </summary>
public sealed class StatsdSinkTests
{
    /// <summary>A UDP collector: every datagram it gets, split into lines.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly Task _loop;

        public Collector()
        {
            _loop = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var result = await _udp.ReceiveAsync();
                        var text = Encoding.UTF8.GetString(result.Buffer);
                        Datagrams.Enqueue(text);
                        foreach (var line in text.Split('\n'))
                        {
                            Lines.Enqueue(line);
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (SocketException)
                {
                }
            });
        }

        public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

        public ConcurrentQueue<string> Lines { get; } = new();

        public ConcurrentQueue<string> Datagrams { get; } = new();

        public void Dispose() => _udp.Dispose();
    }

    private static string Yaml(int upstreamPort, string sink) => $"""
        stats_flush_interval: 0.2s
        stats_sinks:
        {sink}
        """ + "\n" + EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          direct_response: { status: 200 }
        """, EnvoyYaml.StaticCluster("echo", upstreamPort));

    [Fact]
    public async Task Statsd_gets_full_names_counter_deltas_and_gauges()
    {
        using var collector = new Collector();
        await using var gateway = await TestGateway.StartAsync(Yaml(TestGateway.RefusedPort(), $$"""
            - name: envoy.stat_sinks.statsd
              typed_config:
                "@type": type.googleapis.com/envoy.config.metrics.v3.StatsdSink
                address: { socket_address: { address: 127.0.0.1, port_value: {{collector.Port}}, protocol: UDP } }
            """));
        (await gateway.Client.GetAsync("/")).Dispose();
        await TestGateway.WaitUntilAsync(() => collector.Lines.Contains("envoy.http.ingress_http.downstream_rq_total:1|c"));
        Assert.Contains("envoy.cluster.echo.membership_total:1|g", collector.Lines);
        // The next flush sends the counter's change since: nothing.
        await TestGateway.WaitUntilAsync(() => collector.Lines.Contains("envoy.http.ingress_http.downstream_rq_total:0|c"));
        Assert.All(collector.Datagrams, d => Assert.DoesNotContain('\n', d));
        // A counter that never counted is not sent.
        Assert.DoesNotContain(collector.Lines, l => l.StartsWith("envoy.cluster.echo.upstream_rq_timeout:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DogStatsd_gets_tagged_names_batched_with_its_prefix()
    {
        using var collector = new Collector();
        await using var gateway = await TestGateway.StartAsync(Yaml(TestGateway.RefusedPort(), $$"""
            - name: envoy.stat_sinks.dog_statsd
              typed_config:
                "@type": type.googleapis.com/envoy.config.metrics.v3.DogStatsdSink
                address: { socket_address: { address: 127.0.0.1, port_value: {{collector.Port}} } }
                prefix: gw
            """));
        (await gateway.Client.GetAsync("/")).Dispose();
        await TestGateway.WaitUntilAsync(() => collector.Lines.Contains("gw.http.downstream_rq_total:1|c|#envoy.http_conn_manager_prefix:ingress_http"));
        Assert.Contains("gw.cluster.membership_total:1|g|#envoy.cluster_name:echo", collector.Lines);
        Assert.Contains(collector.Datagrams, d => d.Contains('\n'));
        Assert.All(collector.Datagrams, d => Assert.True(Encoding.UTF8.GetByteCount(d) <= 512, d));
    }

    [Fact]
    public async Task Another_sink_is_refused_by_name()
    {
        var yaml = Yaml(1, """
            - name: envoy.stat_sinks.metrics_service
              typed_config:
                "@type": type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig
            """);
        var error = await Assert.ThrowsAsync<Gateway.Clusters.Configuration.ConfigException>(() => TestGateway.StartAsync(yaml));
        Assert.Contains("stats sink 'envoy.stat_sinks.metrics_service'", error.Message, StringComparison.Ordinal);
    }
}
