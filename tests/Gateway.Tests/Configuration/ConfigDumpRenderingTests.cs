using System.Text;
using System.Text.Json;
using Gateway.Admin;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Configuration;

/// <summary>
/// /config_dump is rendered from the file's YAML tree with the field catalog's types, so it shows what
/// was configured (every filter's typed_config too) in the form Envoy prints.
/// </summary>
public sealed class ConfigDumpRenderingTests
{
    private const string Yaml = """
static_resources:
  listeners:
    name: l
    traffic_direction: inbound
    address: { socket_address: { address: 127.0.0.1, port_value: 10000 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: s
          route_config:
            name: rc
            virtual_hosts:
            - name: vh
              domains: "*"
              routes:
              - match: { prefix: "/" }
                route: { cluster: c, timeout: 0.3s, idle_timeout: { seconds: 2 } }
          http_filters:
          - name: envoy.filters.http.health_check
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck
              pass_through_mode: no
              headers: [{ name: ":path", string_match: { exact: /healthz } }]
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
  clusters:
  - name: c
    type: static
    lb_policy: round_robin
    connect_timeout: 1s
    load_assignment:
      cluster_name: c
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 0x1F90 } } }
""";

    private static JsonElement Dump()
    {
        var loaded = BootstrapLoader.Load(Yaml, "dump.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
        return JsonDocument.Parse(ConfigDump.Json(loaded.Config, DateTimeOffset.UnixEpoch)).RootElement.GetProperty("configs");
    }

    [Fact]
    public void Each_http_filter_shows_its_typed_config()
    {
        var listener = Dump()[2].GetProperty("static_listeners")[0].GetProperty("listener");
        Assert.Equal("type.googleapis.com/envoy.config.listener.v3.Listener", listener.GetProperty("@type").GetString());
        var hcm = listener.GetProperty("filter_chains")[0].GetProperty("filters")[0].GetProperty("typed_config");
        var health = hcm.GetProperty("http_filters")[0].GetProperty("typed_config");
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck", health.GetProperty("@type").GetString());
        Assert.False(health.GetProperty("pass_through_mode").GetBoolean());
        Assert.Equal("/healthz", health.GetProperty("headers")[0].GetProperty("string_match").GetProperty("exact").GetString());
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
            hcm.GetProperty("http_filters")[1].GetProperty("typed_config").GetProperty("@type").GetString());
    }

    [Fact]
    public void Values_are_written_as_envoy_prints_them()
    {
        var configs = Dump();
        var cluster = configs[1].GetProperty("static_clusters")[0].GetProperty("cluster");
        Assert.Equal("STATIC", cluster.GetProperty("type").GetString());
        Assert.Equal("ROUND_ROBIN", cluster.GetProperty("lb_policy").GetString());
        Assert.Equal("1s", cluster.GetProperty("connect_timeout").GetString());
        var port = cluster.GetProperty("load_assignment").GetProperty("endpoints")[0].GetProperty("lb_endpoints")[0]
            .GetProperty("endpoint").GetProperty("address").GetProperty("socket_address").GetProperty("port_value");
        Assert.Equal(8080, port.GetInt32());

        var listener = configs[2].GetProperty("static_listeners")[0].GetProperty("listener");
        Assert.Equal("INBOUND", listener.GetProperty("traffic_direction").GetString());

        var route = configs[3].GetProperty("static_route_configs")[0].GetProperty("route_config");
        Assert.Equal("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", route.GetProperty("@type").GetString());
        var vhost = route.GetProperty("virtual_hosts")[0];
        Assert.Equal(JsonValueKind.Array, vhost.GetProperty("domains").ValueKind);
        var action = vhost.GetProperty("routes")[0].GetProperty("route");
        Assert.Equal("0.300s", action.GetProperty("timeout").GetString());
        Assert.Equal("2s", action.GetProperty("idle_timeout").GetString());
    }

    [Fact]
    public void The_single_listener_mapping_is_dumped_as_a_list_and_the_node_names_envoy()
    {
        var bootstrap = Dump()[0].GetProperty("bootstrap");
        Assert.Equal("envoy", bootstrap.GetProperty("node").GetProperty("user_agent_name").GetString());
        Assert.Equal(JsonValueKind.Array, bootstrap.GetProperty("static_resources").GetProperty("listeners").ValueKind);
        // Proto field order: node (1) before static_resources (2).
        Assert.Equal(["node", "static_resources"], bootstrap.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Private_keys_and_passwords_are_redacted()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("""
certificate_chain: { inline_string: "-----BEGIN CERTIFICATE-----" }
private_key: { inline_string: "-----BEGIN PRIVATE KEY-----" }
password: { inline_string: hunter2 }
"""));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            ProtoJsonRenderer.WriteMessage(json, stream.Documents[0].RootNode, "envoy.extensions.transport_sockets.tls.v3.TlsCertificate");
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("BEGIN CERTIFICATE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("\"private_key\":{\"inline_string\":\"[redacted]\"}", text, StringComparison.Ordinal);
    }
}
