using Gateway.Clusters.Configuration;
using Gateway.Filters.HttpCall;
using Gateway.Filters.Router;

namespace Gateway.Tests.HttpCall;

/// <summary>The envoy.yaml Higress documents for local plugin development must load unchanged but for the plugin mapping.</summary>
public class HigressLocalDevConfigTests
{
    private const string HigressLocalDevYaml = """
        admin:
          address:
            socket_address:
              protocol: TCP
              address: 0.0.0.0
              port_value: 9901
        static_resources:
          listeners:
            - name: listener_0
              address:
                socket_address:
                  protocol: TCP
                  address: 0.0.0.0
                  port_value: 10000
              filter_chains:
                - filters:
                    - name: envoy.filters.network.http_connection_manager
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                        scheme_header_transformation:
                          scheme_to_overwrite: https
                        stat_prefix: ingress_http
                        route_config:
                          name: local_route
                          virtual_hosts:
                            - name: local_service
                              domains: ["*"]
                              routes:
                                - match:
                                    prefix: "/"
                                  route:
                                    cluster: httpbin
                        http_filters:
                          - name: wasmdemo
                            typed_config:
                              "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                              type_url: type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                              value:
                                config:
                                  name: wasmdemo
                                  vm_config:
                                    runtime: envoy.wasm.runtime.v8
                                    code:
                                      local:
                                        filename: /etc/envoy/main.wasm
                                  configuration:
                                    "@type": "type.googleapis.com/google.protobuf.StringValue"
                                    value: |
                                      {
                                        "mockEnable": false
                                      }
                          - name: envoy.filters.http.router
          clusters:
            - name: httpbin
              connect_timeout: 30s
              type: LOGICAL_DNS
              dns_lookup_family: V4_ONLY
              lb_policy: ROUND_ROBIN
              load_assignment:
                cluster_name: httpbin
                endpoints:
                  - lb_endpoints:
                      - endpoint:
                          address:
                            socket_address:
                              address: httpbin
                              port_value: 80
        """;

    [Fact]
    public void WithoutThePluginMappingTheWasmPluginIsRefusedByNameWithTheWayOut()
    {
        var options = new BootstrapLoadOptions(false, [new HttpCallFilterFactory(), new RouterFilterFactory()]);
        var error = Assert.Throws<ConfigException>(() => BootstrapLoader.Load(HigressLocalDevYaml, "envoy.yaml", options));
        Assert.Contains("wasmdemo", error.Message);
        Assert.Contains("/etc/envoy/main.wasm", error.Message);
        Assert.Contains("--native-plugin", error.Message);
    }

    [Fact]
    public void WithThePluginMappingItLoadsAndWarnsAboutKeysHttpCallDoesNotRead()
    {
        var factory = new HttpCallFilterFactory(new Dictionary<string, string> { ["wasmdemo"] = "http-call" });
        var options = new BootstrapLoadOptions(false, [factory, new RouterFilterFactory()]);
        var result = BootstrapLoader.Load(HigressLocalDevYaml, "envoy.yaml", options);

        var filters = result.Config.Listeners[0].Http!.HttpFilters;
        Assert.Equal(["wasmdemo", "envoy.filters.http.router"], filters.Select(f => f.Name));
        var settings = Assert.IsType<HttpCallFilterSettings>(filters[0].Settings);
        Assert.Equal("outbound|8000||172.22.220.21.static", settings.FixedClusterName);
        var warning = Assert.Single(result.Warnings, w => w.Message.Contains("mockEnable"));
        Assert.Equal(ConfigDiagnosticKind.Warning, warning.Kind);
    }
}
