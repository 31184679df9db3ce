using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Wasm;

/// <summary>envoy.yaml for wasm tests: one wasm filter in front of the router, a route to the "demo" cluster.</summary>
internal static class WasmYaml
{
    public static string Filter(string file, string configuration, string pluginName = "test-plugin", string rootId = "test_root", string extra = "", string filterName = "wasmdemo") => $"""
        - name: {filterName}
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
            config:
              name: {pluginName}
              root_id: {rootId}
              vm_config:
                runtime: envoy.wasm.runtime.v8
                code:
                  local:
                    filename: {file}
              configuration:
                "@type": type.googleapis.com/google.protobuf.StringValue
                value: '{configuration}'
        {EnvoyYaml.Indent(extra, 6)}
        """;

    public static string Gateway(int upstreamPort, string filters, string extraClusters = "") => EnvoyYaml.WithRoutes(
        """
        - name: main_route
          match: { prefix: "/" }
          route: { cluster: demo }
        """,
        EnvoyYaml.StaticCluster("demo", upstreamPort) + extraClusters,
        httpFilters: filters);
}
