using Gateway.Clusters.Configuration;
using Gateway.Clusters.Naming;
using Gateway.Filters.HttpCall;
using Gateway.Filters.Router;
using Gateway.Tests.Support;

namespace Gateway.Tests.HttpCall;

/// <summary>The wasm filter entry in envoy.yaml, loaded through the real bootstrap loader.</summary>
public class HttpCallFilterFactoryTests
{
    // Higress's local-development shape (facts section 8): TypedStruct, name wasmdemo.
    private const string HigressFilter = """
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
              "@type": type.googleapis.com/google.protobuf.StringValue
              value: |
                {"cluster": {"type": "static_ip", "service_name": "127.0.0.1", "port": 8000}, "timeout_ms": 1000}
    """;

    // Envoy's own shape (wasm-cc example), plugin named http-call.
    private const string EnvoyFilter = """
    - name: envoy.filters.http.wasm
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
        config:
          name: http-call
          root_id: http-call-root
          fail_open: true
          vm_config:
            vm_id: vm1
            runtime: envoy.wasm.runtime.v8
            code:
              local:
                filename: /does/not/exist.wasm
          configuration:
            "@type": type.googleapis.com/google.protobuf.StringValue
            value: '{"fqdn": "httpbin.org", "port": 80, "path": "/post"}'
    """;

    private const string EnvoyExamplePlugin = """
    - name: envoy.filters.http.wasm
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
        config:
          name: my_plugin
          root_id: my_root_id
          vm_config:
            runtime: envoy.wasm.runtime.v8
            code:
              local:
                filename: /lib/envoy_filter_http_wasm_example.wasm
          configuration:
            "@type": type.googleapis.com/google.protobuf.StringValue
            value: |
              {}
    """;

    /// <summary>A bootstrap with <paramref name="filter"/> (an http_filters item) ahead of the router, one route to cluster echo.</summary>
    private static string Yaml(string filter) =>
        EnvoyYaml.WithRoutes("- match: { prefix: \"/\" }\n  route: { cluster: echo }", EnvoyYaml.StaticCluster("echo", 8000), httpFilters: filter);

    private static BootstrapLoadResult Load(string filter, IReadOnlyDictionary<string, string>? map = null) =>
        BootstrapLoader.Load(Yaml(filter), "envoy.yaml",
            new BootstrapLoadOptions(false, [new HttpCallFilterFactory(map ?? new Dictionary<string, string>()), new RouterFilterFactory()]));

    private static HttpCallFilterSettings SettingsOf(BootstrapLoadResult result)
    {
        var filter = result.Config.Listeners[0].Http!.HttpFilters[0];
        Assert.Equal(HttpCallFilterFactory.TypeName, filter.TypeName);
        return Assert.IsType<HttpCallFilterSettings>(filter.Settings);
    }

    private static string LoadError(string filter, IReadOnlyDictionary<string, string>? map = null) =>
        Assert.Throws<ConfigException>(() => Load(filter, map)).Message;

    [Fact]
    public void Higress_typed_struct_shape_loads_with_a_native_plugin_mapping()
    {
        var settings = SettingsOf(Load(HigressFilter, new Dictionary<string, string> { ["wasmdemo"] = "http-call" }));

        Assert.Equal("wasmdemo", settings.FilterName);
        Assert.Equal("wasmdemo", settings.PluginName);
        Assert.Equal("/etc/envoy/main.wasm", settings.WasmFile);
        Assert.Equal("outbound|8000||127.0.0.1.static", settings.FixedClusterName);
        Assert.Equal(1000, settings.Config.TimeoutMs);
    }

    [Fact]
    public void Higress_shape_without_the_mapping_is_refused_with_the_way_out()
    {
        var message = LoadError(HigressFilter);

        Assert.Contains("typed_config.value.config: wasm plugin 'wasmdemo' (/etc/envoy/main.wasm) cannot run", message);
        Assert.Contains("native plugins only (http-call)", message);
        Assert.Contains("--native-plugin wasmdemo=http-call", message);
    }

    [Fact]
    public void Envoy_shape_loads_by_plugin_name_and_accepts_the_flat_form()
    {
        var settings = SettingsOf(Load(EnvoyFilter));

        Assert.Equal("http-call", settings.PluginName);
        Assert.Equal("http-call-root", settings.RootId);
        Assert.Equal("vm1", settings.VmId);
        Assert.Equal(HigressClusterKind.Fqdn, settings.Config.Cluster.Kind);
        Assert.Equal("outbound|80||httpbin.org", settings.FixedClusterName);
        Assert.Equal("/post", settings.Config.Path);
    }

    [Fact]
    public void Root_id_http_call_is_enough()
    {
        var filter = EnvoyExamplePlugin.Replace("root_id: my_root_id", "root_id: http-call");

        Assert.Equal("my_plugin", SettingsOf(Load(filter)).PluginName);
    }

    [Fact]
    public void Envoys_example_plugin_is_refused_by_name_and_file()
    {
        var message = LoadError(EnvoyExamplePlugin);

        Assert.Contains("http_filters[0].typed_config.config: wasm plugin 'my_plugin' (/lib/envoy_filter_http_wasm_example.wasm) cannot run", message);
        Assert.Contains("--native-plugin my_plugin=http-call", message);
    }

    [Fact]
    public void Mapping_the_example_plugin_makes_it_http_call()
    {
        var settings = SettingsOf(Load(EnvoyExamplePlugin, new Dictionary<string, string> { ["my_plugin"] = "http-call" }));

        Assert.Equal(HttpCallConfig.SeedCluster, settings.Config.Cluster);
        Assert.Equal("outbound|8000||172.22.220.21.static", settings.FixedClusterName);
    }

    [Fact]
    public void Mapping_to_an_unknown_native_plugin_is_refused_at_construction()
    {
        var e = Assert.Throws<ArgumentException>(() => new HttpCallFilterFactory(new Dictionary<string, string> { ["x"] = "rate-limit" }));
        Assert.Contains("'rate-limit' is not a native plugin", e.Message);
    }

    [Fact]
    public void Absent_configuration_means_the_seed_defaults()
    {
        var filter = EnvoyFilter[..EnvoyFilter.IndexOf("      configuration:", StringComparison.Ordinal)];

        Assert.Equal(HttpCallConfig.Default, SettingsOf(Load(filter)).Config);
    }

    [Fact]
    public void Bad_plugin_json_is_a_load_error_with_yaml_and_json_paths()
    {
        var filter = EnvoyFilter.Replace("""'{"fqdn": "httpbin.org", "port": 80, "path": "/post"}'""", """'{"timeout_ms": "5s"}'""");

        var message = LoadError(filter);

        Assert.Contains("http_filters[0].typed_config.config.configuration.value: $.timeout_ms: expected an integer, got the string \"5s\"", message);
        Assert.Contains("http-call filter 'envoy.filters.http.wasm'", message);
    }

    [Fact]
    public void Invalid_json_is_a_load_error()
    {
        var filter = EnvoyFilter.Replace("""'{"fqdn": "httpbin.org", "port": 80, "path": "/post"}'""", """'{"fqdn": '""");

        Assert.Contains("configuration.value: $: invalid JSON", LoadError(filter));
    }

    [Fact]
    public void Configuration_of_another_type_is_refused()
    {
        var filter = EnvoyFilter.Replace("google.protobuf.StringValue", "google.protobuf.BytesValue");

        Assert.Contains("must be a google.protobuf.StringValue", LoadError(filter));
    }

    [Fact]
    public void Unknown_field_in_the_wasm_message_is_reported()
    {
        var filter = EnvoyFilter.Replace("\n    config:", "\n    confg: {}\n    config:");

        Assert.Contains("confg", LoadError(filter));
    }
}
