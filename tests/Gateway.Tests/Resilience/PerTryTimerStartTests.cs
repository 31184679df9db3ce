using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Resilience;

/// <summary>
/// When per_try_timeout starts, as Envoy's UpstreamRequest::setupPerTryTimeout: once the connection pool is ready
/// (TCP connect and upstream TLS handshake done) and the downstream request is complete. Neither the handshake nor
/// a slow request body counts against the attempt.
/// </summary>
public class PerTryTimerStartTests
{
    private const string PerTry = ", timeout: 20s, retry_policy: { retry_on: 5xx, num_retries: 0, per_try_timeout: 1s }";

    /// <summary>A TCP relay to <paramref name="target"/> that holds every new connection for <paramref name="hold"/> before relaying.</summary>
    private sealed class SlowRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public SlowRelay(int target, TimeSpan hold)
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(async () =>
                    {
                        using var downstream = client;
                        await Task.Delay(hold, _stop.Token);
                        using var upstream = new TcpClient();
                        await upstream.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
                        var a = downstream.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                        var b = upstream.GetStream().CopyToAsync(downstream.GetStream(), _stop.Token);
                        await Task.WhenAny(a, b);
                    });
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task TheUpstreamTlsHandshakeIsNotPerTryTime()
    {
        await using var upstream = await TinyUpstream.StartAsync(
            context => context.Response.WriteAsync(context.Request.IsHttps ? "https" : "http"), tls: true);
        // The handshake cannot finish before the relay lets it through: 2.5s, over the 1s per-try timeout.
        await using var relay = new SlowRelay(upstream.Port, TimeSpan.FromSeconds(2.5));
        var yaml = EnvoyYaml.WithRoutes(
            $$"""
            - match: { prefix: "/" }
              route: { cluster: up{{PerTry}} }
            """,
            $$"""
            - name: up
              type: STATIC
              # Envoy's connect_timeout covers the TLS handshake too: long enough for the relay's hold.
              connect_timeout: 10s
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
              load_assignment:
                cluster_name: up
                endpoints:
                - lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{relay.Port}} } } }
            """);
        await using var gateway = await TestGateway.StartAsync(yaml);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200 && response.Body == "https", response.ToString());
        var stats = await gateway.StatsAsync();
        Assert.Equal(0, stats["cluster.up.upstream_rq_per_try_timeout"]);
    }

    [Fact]
    public async Task ARequestBodyStillArrivingIsNotPerTryTime()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync("got " + (await reader.ReadToEndAsync()).Length);
        });
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(
            $$"""
            - match: { prefix: "/" }
              route: { cluster: up{{PerTry}} }
            """,
            EnvoyYaml.StaticCluster("up", upstream.Port)));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345");
        // The upstream has the headers and half the body; the client takes 2.5s over the rest (per-try timeout: 1s).
        await Task.Delay(2500);
        await connection.SendAsync("67890");
        var response = await connection.ReadResponseAsync();
        Assert.True(response.Status == 200 && response.Body == "got 10", response.ToString());
    }

    [Fact]
    public async Task ASlowAnswerOnAReadyConnectionStillTimesOut()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await reader.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(
            $$"""
            - match: { prefix: "/" }
              route: { cluster: up{{PerTry}} }
            """,
            EnvoyYaml.StaticCluster("up", upstream.Port)));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok");
        Assert.Equal(504, response.Status);
        Assert.Equal("upstream request timeout", response.Body);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_per_try_timeout"]);
    }
}
