using System.Diagnostics;
using Gateway.Clusters.Configuration;
using Gateway.Filters.Wasm;

namespace Gateway.Benchmarks;

/// <summary>
/// <c>wasm-memory FILE N UPSTREAM_PORT</c>: loads N configs each with one wasm plugin (one started instance
/// each; the compiled module is shared) and prints the resident memory they added, per instance.
/// </summary>
public static class WasmMemoryProbe
{
    public static void Run(string file, int count, int upstreamPort)
    {
        var factories = new IHttpFilterConfigParser[] { new WasmFilterFactory(), new Gateway.Filters.Router.RouterFilterFactory() };
        string Yaml(int i) => $$"""
            static_resources:
              listeners:
              - name: l
                address: { socket_address: { address: 127.0.0.1, port_value: 1 } }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: p
                      route_config: { virtual_hosts: [ { name: v, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: c } } ] } ] }
                      http_filters:
                      - name: w
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                          config:
                            name: probe-{{i}}
                            vm_config: { code: { local: { filename: "{{file}}" } } }
                            configuration: { "@type": type.googleapis.com/google.protobuf.StringValue, value: '{"service_name": "127.0.0.1", "port": {{upstreamPort}}}' }
                      - name: envoy.filters.http.router
                        typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
              clusters:
              - name: c
                load_assignment: { cluster_name: c, endpoints: [ { lb_endpoints: [ { endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{upstreamPort}} } } } } ] } ] }
            """;

        // The first load compiles the module (shared by all); measure only what each further plugin adds.
        var keep = new List<object> { BootstrapLoader.Load(Yaml(0), "probe.yaml", new BootstrapLoadOptions(false, factories)) };
        GC.Collect();
        var before = Process.GetCurrentProcess();
        before.Refresh();
        var rss0 = before.WorkingSet64;
        for (var i = 1; i <= count; i++)
        {
            keep.Add(BootstrapLoader.Load(Yaml(i), "probe.yaml", new BootstrapLoadOptions(false, factories)));
        }

        GC.Collect();
        var after = Process.GetCurrentProcess();
        after.Refresh();
        var perInstance = (after.WorkingSet64 - rss0) / count;
        Console.WriteLine($"{perInstance / 1024} KiB resident per instance (linear memory touched by the plugin + store + host state)");
        GC.KeepAlive(keep);
    }
}
