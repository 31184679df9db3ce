using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Dynamic;

/// <summary>
/// dynamic_resources from files: listeners (LDS) and clusters (CDS) read from DiscoveryResponse files
/// named by path_config_source, served, shown in /config_dump as dynamic, reloaded when a file changes,
/// with the last good config kept when a file goes bad.
/// </summary>
public sealed class FileDynamicResourcesTests
{
    private static string Bootstrap(string directory) => $$"""
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: 0 }
        dynamic_resources:
          lds_config:
            resource_api_version: V3
            path_config_source:
              path: {{Path.Combine(directory, "lds.yaml")}}
              watched_directory: { path: {{directory}} }
          cds_config:
            path: {{Path.Combine(directory, "cds.yaml")}}
        """;

    private static string Lds(string version) => $$"""
        version_info: "{{version}}"
        resources:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: dynamic_listener
          address:
            socket_address: { address: 127.0.0.1, port_value: 0 }
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: dynamic
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: { prefix: "/" }
                      route: { cluster: backend }
        """;

    private static string Cds(string version, int port) => $$"""
        version_info: "{{version}}"
        resources:
        - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
          name: backend
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: { address: 127.0.0.1, port_value: {{port}} }
        """;

    [Fact]
    public async Task Listeners_and_clusters_come_from_the_files_and_show_as_dynamic()
    {
        await using var one = await TinyUpstream.StartAsync(c => c.Response.WriteAsync("one"));
        var directory = TestGateway.NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "lds.yaml"), Lds("l1"));
        await File.WriteAllTextAsync(Path.Combine(directory, "cds.yaml"), Cds("c1", one.Port));
        await using var gw = await TestGateway.StartAsync(Bootstrap(directory), directory: directory);

        Assert.Equal("one", await gw.Client.GetStringAsync("/"));
        var dump = await gw.Admin.GetStringAsync("/config_dump");
        using var json = System.Text.Json.JsonDocument.Parse(dump);
        var configs = json.RootElement.GetProperty("configs").EnumerateArray().ToArray();
        var clusters = configs.Single(c => c.GetProperty("@type").GetString()!.EndsWith("ClustersConfigDump"));
        var cluster = Assert.Single(clusters.GetProperty("dynamic_active_clusters").EnumerateArray());
        Assert.Equal("c1", cluster.GetProperty("version_info").GetString());
        Assert.Equal("backend", cluster.GetProperty("cluster").GetProperty("name").GetString());
        var listeners = configs.Single(c => c.GetProperty("@type").GetString()!.EndsWith("ListenersConfigDump"));
        var listener = Assert.Single(listeners.GetProperty("dynamic_listeners").EnumerateArray());
        Assert.Equal("dynamic_listener", listener.GetProperty("name").GetString());
        Assert.Equal("l1", listener.GetProperty("active_state").GetProperty("version_info").GetString());
        Assert.Empty(listeners.GetProperty("static_listeners").EnumerateArray());
    }

    [InProcessGateway("counts reloads on the host's state")]
    [Fact]
    public async Task A_changed_cds_file_reloads_and_a_bad_one_keeps_the_last_good()
    {
        await using var one = await TinyUpstream.StartAsync(c => c.Response.WriteAsync("one"));
        await using var two = await TinyUpstream.StartAsync(c => c.Response.WriteAsync("two"));
        var directory = TestGateway.NewDirectory();
        var cds = Path.Combine(directory, "cds.yaml");
        await File.WriteAllTextAsync(Path.Combine(directory, "lds.yaml"), Lds("l1"));
        await File.WriteAllTextAsync(cds, Cds("c1", one.Port));
        await using var gw = await TestGateway.StartAsync(Bootstrap(directory), TestGateway.HotReload, directory);
        Assert.Equal("one", await gw.Client.GetStringAsync("/"));

        await File.WriteAllTextAsync(cds, Cds("c2", two.Port));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gw.Host.State.ConfigReloads) >= 1);
        Assert.Equal("two", await gw.Client.GetStringAsync("/"));

        await File.WriteAllTextAsync(cds, Cds("c3", two.Port).Replace("connect_timeout", "connect_timout"));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gw.Host.State.ConfigReloadFailures) >= 1);
        Assert.Equal("two", await gw.Client.GetStringAsync("/"));
        Assert.Contains("\"c2\"", await gw.Admin.GetStringAsync("/config_dump"));
    }

    [Fact]
    public void A_management_server_is_refused_by_name()
    {
        var path = Path.Combine(TestGateway.NewDirectory(), "envoy.yaml");
        File.WriteAllText(path, """
            dynamic_resources:
              ads_config:
                api_type: GRPC
                grpc_services: [{ envoy_grpc: { cluster_name: xds } }]
              cds_config: { ads: {} }
            static_resources:
              clusters:
              - name: xds
                type: STATIC
                load_assignment: { cluster_name: xds, endpoints: [] }
            """);
        var e = Assert.Throws<ConfigException>(() => GatewayConfigLoader.LoadFile(path, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions()))));
        Assert.Contains(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Unsupported && d.Message.Contains("'ads_config'"));
        Assert.Contains(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Unsupported && d.Message.Contains("'ads'"));
    }

    [Fact]
    public void A_wrong_resource_type_names_the_file()
    {
        var directory = TestGateway.NewDirectory();
        File.WriteAllText(Path.Combine(directory, "lds.yaml"), Cds("x", 1));
        File.WriteAllText(Path.Combine(directory, "cds.yaml"), Cds("x", 1));
        var path = Path.Combine(directory, "envoy.yaml");
        File.WriteAllText(path, Bootstrap(directory));
        var e = Assert.Throws<ConfigException>(() => GatewayConfigLoader.LoadFile(path, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions()))));
        var d = Assert.Single(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error);
        Assert.EndsWith("lds.yaml", d.File);
        Assert.Contains("envoy.config.cluster.v3.Cluster", d.Message);
    }
}
