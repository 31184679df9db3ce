using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Hosting;

namespace Gateway.Tests.Tracing;

/// <summary>How the loader reads an HCM's tracing block, and what it refuses.</summary>
public sealed class TracingConfigTests
{
    private static string Yaml(string provider, string tracingExtra = "") => $$"""
        static_resources:
          listeners:
          - name: l
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress
                  tracing:
        {{Support.EnvoyYaml.Indent(tracingExtra, 12)}}            provider:
        {{Support.EnvoyYaml.Indent(provider, 14)}}          route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        route: { cluster: collector }
          clusters:
          - name: collector
            type: STATIC
            load_assignment:
              cluster_name: collector
              endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 9411 } } } }] }]
        """;

    private static BootstrapLoadResult Load(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tracing-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            return GatewayConfigLoader.LoadFile(path, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Zipkin_with_sampling_and_tags_is_read()
    {
        var loaded = Load(Yaml("""
            name: envoy.tracers.zipkin
            typed_config:
              "@type": type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
              collector_cluster: collector
              collector_endpoint: /api/v2/spans
              shared_span_context: false
              collector_endpoint_version: HTTP_JSON
            """, """
            random_sampling: { value: 25.5 }
            client_sampling: { value: 10 }
            spawn_upstream_span: false
            custom_tags:
            - { tag: a, literal: { value: b } }
            """));
        var tracing = loaded.Config.Listeners[0].Http!.Tracing!;
        Assert.Equal(TracingProviderKind.Zipkin, tracing.Provider.Kind);
        Assert.Equal("/api/v2/spans", tracing.Provider.Path);
        Assert.False(tracing.Provider.SharedSpanContext);
        Assert.Equal(25.5, tracing.RandomSampling);
        Assert.Equal(10, tracing.ClientSampling);
        Assert.Equal(100, tracing.OverallSampling);
        Assert.False(tracing.SpawnUpstreamSpan);
        Assert.Equal(CustomTagKind.Literal, Assert.Single(tracing.CustomTags).Kind);
    }

    [Fact]
    public void Other_tracers_are_refused_by_name()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Yaml("""
            name: envoy.tracers.datadog
            typed_config:
              "@type": type.googleapis.com/envoy.config.trace.v3.DatadogConfig
              collector_cluster: collector
              service_name: demo
            """)));
        var d = Assert.Single(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Unsupported);
        Assert.Contains("envoy.tracers.datadog", d.Message);
        Assert.Contains("envoy.tracers.opentelemetry", d.Message);
    }

    [Fact]
    public void An_undefined_collector_cluster_is_an_error()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Yaml("""
            name: envoy.tracers.opentelemetry
            typed_config:
              "@type": type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig
              grpc_service: { envoy_grpc: { cluster_name: nowhere } }
            """)));
        Assert.Contains(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error && d.Message.Contains("'nowhere'"));
    }

    [Fact]
    public void Zipkin_proto_encoding_is_refused_by_name()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Yaml("""
            name: envoy.tracers.zipkin
            typed_config:
              "@type": type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
              collector_cluster: collector
              collector_endpoint: /api/v2/spans
              collector_endpoint_version: HTTP_PROTO
            """)));
        Assert.Contains(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Unsupported && d.Message.Contains("HTTP_PROTO"));
    }
}
