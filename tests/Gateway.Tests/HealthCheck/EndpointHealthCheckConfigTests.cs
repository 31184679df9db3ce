using System.Collections.Concurrent;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.HealthCheck;

/// <summary>
/// An endpoint's health_check_config: active health checks go to its address / port_value instead of the
/// traffic address, with its hostname as Host, and disable_active_health_check leaves the host out of
/// them (Envoy's resolveHealthCheckAddress and getHostname). Seen from the upstreams and /clusters.
/// </summary>
public sealed class EndpointHealthCheckConfigTests
{
    private static string Yaml(int trafficPort, string healthCheckConfig, int? otherPort = null) => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          route: { cluster: backend }
        """, $$"""
        - name: backend
          connect_timeout: 1s
          type: STATIC
          # Without panic (Envoy's default 50% would still send traffic to a lone failed host).
          common_lb_config: { healthy_panic_threshold: { value: 0 } }
          health_checks:
          - timeout: 1s
            interval: 0.1s
            unhealthy_threshold: 1
            healthy_threshold: 1
            http_health_check: { path: /healthz, host: check.test }
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address: { socket_address: { address: 127.0.0.1, port_value: {{trafficPort}} } }
                  health_check_config: {{healthCheckConfig}}
        {{(otherPort is { } port ? $"      - endpoint: {{ address: {{ socket_address: {{ address: 127.0.0.1, port_value: {port} }} }} }}" : "")}}
        """);

    private static async Task<string> ClustersAsync(TestGateway gateway) => await gateway.Admin.GetStringAsync("/clusters");

    [Fact]
    public async Task Checks_go_to_the_health_check_port_with_its_hostname_and_decide_the_hosts_health()
    {
        var trafficChecks = 0;
        await using var traffic = await TinyUpstream.StartAsync(context =>
        {
            if (context.Request.Path == "/healthz")
            {
                Interlocked.Increment(ref trafficChecks);
            }

            return context.Response.WriteAsync("traffic");
        });
        var hosts = new ConcurrentQueue<string>();
        var healthy = 1;
        await using var health = await TinyUpstream.StartAsync(context =>
        {
            hosts.Enqueue(context.Request.Host.Value ?? "");
            context.Response.StatusCode = Volatile.Read(ref healthy) == 1 ? 200 : 503;
            return Task.CompletedTask;
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(traffic.Port, $"{{ port_value: {health.Port}, hostname: hc.test }}"));
        await TestGateway.WaitUntilAsync(() => hosts.Count >= 2);
        Assert.All(hosts, h => Assert.Equal("hc.test", h));
        Assert.Equal("traffic", await gateway.Client.GetStringAsync("/"));
        Assert.Equal(0, trafficChecks);

        // The health port failing takes the host out, though its traffic port is fine.
        Volatile.Write(ref healthy, 0);
        await TestGateway.WaitUntilAsync(async () => (await ClustersAsync(gateway)).Contains("health_flags::/failed_active_hc", StringComparison.Ordinal));
        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("no healthy upstream", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_address_gives_the_health_check_host_and_port_value_overrides_its_port()
    {
        var checks = 0;
        await using var health = await TinyUpstream.StartAsync(context =>
        {
            Interlocked.Increment(ref checks);
            return Task.CompletedTask;
        });
        await using var traffic = await TinyUpstream.StartAsync(context => context.Response.WriteAsync("traffic"));
        var refused = TestGateway.RefusedPort();
        await using var gateway = await TestGateway.StartAsync(Yaml(traffic.Port,
            $"{{ address: {{ socket_address: {{ address: 127.0.0.1, port_value: {refused} }} }}, port_value: {health.Port} }}"));
        await TestGateway.WaitUntilAsync(() => Volatile.Read(ref checks) >= 2);
        Assert.DoesNotContain("failed_active_hc", await ClustersAsync(gateway), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_active_health_check_keeps_the_host_out_of_the_checks()
    {
        var checks = 0;
        await using var traffic = await TinyUpstream.StartAsync(context =>
        {
            if (context.Request.Path == "/healthz")
            {
                Interlocked.Increment(ref checks);
                context.Response.StatusCode = 500;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("traffic");
        });
        var checkedHost = 0;
        await using var other = await TinyUpstream.StartAsync(_ => { Interlocked.Increment(ref checkedHost); return Task.CompletedTask; });
        // A second host in the same cluster is checked: once it has been checked a few times, so would the first have been.
        var yaml = Yaml(traffic.Port, "{ disable_active_health_check: true }", other.Port);
        await using var gateway = await TestGateway.StartAsync(yaml);
        await TestGateway.WaitUntilAsync(() => Volatile.Read(ref checkedHost) >= 3);
        Assert.Equal(0, checks);
        Assert.Contains($"127.0.0.1:{traffic.Port}::health_flags::healthy", await ClustersAsync(gateway), StringComparison.Ordinal);
    }
}
