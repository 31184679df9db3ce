using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Dynamic;

/// <summary>RDS (an HCM's rds with a path config source) and EDS (an EDS cluster's eds_config) from files, reloaded on change.</summary>
public sealed class FileRdsEdsTests
{
    private static string Bootstrap(string directory) => $$"""
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: 0 }
        static_resources:
          listeners:
          - name: listener_0
            address:
              socket_address: { address: 127.0.0.1, port_value: 0 }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress
                  rds:
                    route_config_name: local_route
                    config_source:
                      path_config_source: { path: {{Path.Combine(directory, "rds.yaml")}} }
          clusters:
          - name: backend
            type: EDS
            connect_timeout: 1s
            eds_cluster_config:
              service_name: backend_service
              eds_config:
                path_config_source: { path: {{Path.Combine(directory, "eds.yaml")}} }
        """;

    private static string Rds(string version, string prefix) => $$"""
        version_info: "{{version}}"
        resources:
        - "@type": type.googleapis.com/envoy.config.route.v3.RouteConfiguration
          name: other_route
          virtual_hosts: []
        - "@type": type.googleapis.com/envoy.config.route.v3.RouteConfiguration
          name: local_route
          virtual_hosts:
          - name: all
            domains: ["*"]
            routes:
            - match: { prefix: "{{prefix}}" }
              route: { cluster: backend }
        """;

    private static string Eds(string version, int port) => $$"""
        version_info: "{{version}}"
        resources:
        - "@type": type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment
          cluster_name: backend_service
          endpoints:
          - lb_endpoints:
            - endpoint:
                address:
                  socket_address: { address: 127.0.0.1, port_value: {{port}} }
        """;

    [InProcessGateway("counts reloads on the host's state")]
    [Fact]
    public async Task Routes_and_endpoints_come_from_files_and_follow_their_changes()
    {
        await using var one = await TinyUpstream.StartAsync(c => c.Response.WriteAsync("one"));
        await using var two = await TinyUpstream.StartAsync(c => c.Response.WriteAsync("two"));
        var directory = TestGateway.NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "rds.yaml"), Rds("r1", "/api"));
        await File.WriteAllTextAsync(Path.Combine(directory, "eds.yaml"), Eds("e1", one.Port));
        await using var gw = await TestGateway.StartAsync(Bootstrap(directory), TestGateway.HotReload, directory);

        Assert.Equal("one", await gw.Client.GetStringAsync("/api/x"));
        Assert.Equal(404, (int)(await gw.Client.GetAsync("/web")).StatusCode);
        var dump = await gw.Admin.GetStringAsync("/config_dump");
        Assert.Contains("\"dynamic_route_configs\"", dump);
        Assert.Contains("\"r1\"", dump);

        await File.WriteAllTextAsync(Path.Combine(directory, "eds.yaml"), Eds("e2", two.Port));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gw.Host.State.ConfigReloads) >= 1);
        Assert.Equal("two", await gw.Client.GetStringAsync("/api/x"));

        await File.WriteAllTextAsync(Path.Combine(directory, "rds.yaml"), Rds("r2", "/web"));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gw.Host.State.ConfigReloads) >= 2);
        Assert.Equal("two", await gw.Client.GetStringAsync("/web"));
        Assert.Equal(404, (int)(await gw.Client.GetAsync("/api/x")).StatusCode);
    }
}
