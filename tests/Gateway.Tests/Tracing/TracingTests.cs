using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Tracing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Tracing;

/// <summary>
/// HCM tracing end to end: a gateway with a tracing provider in front of an upstream that reports the
/// propagation headers it got, exporting to a local collector (OTLP/gRPC, OTLP/HTTP, Zipkin JSON).
/// </summary>
public sealed class TracingTests
{
    private const string H2Options = """
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
            explicit_http_config:
              http2_protocol_options: {}
        """;

    /// <summary>An upstream answering with the request headers it received, as a JSON object.</summary>
    private static Task<TinyUpstream> StartEchoAsync() => TinyUpstream.StartAsync(context =>
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        return context.Response.WriteAsJsonAsync(headers);
    });

    private static async Task<Dictionary<string, string>> GetSeenAsync(TestGateway gw, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await gw.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
    }

    private static string Config(string tracing, int upstreamPort, TraceCollector collector, string routeExtra = "", bool startChildSpan = false) => $$"""
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
                  stat_prefix: ingress_http
        {{EnvoyYaml.Indent(tracing, 10)}}          http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                      start_child_span: {{(startChildSpan ? "true" : "false")}}
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        route: { cluster: backend }
        {{EnvoyYaml.Indent(routeExtra, 16)}}  clusters:
        {{EnvoyYaml.Indent(EnvoyYaml.StaticCluster("backend", upstreamPort), 2)}}{{EnvoyYaml.Indent(EnvoyYaml.StaticCluster("otel_grpc", collector.GrpcPort, H2Options), 2)}}{{EnvoyYaml.Indent(EnvoyYaml.StaticCluster("collector_http", collector.HttpPort), 2)}}
        """;

    [Fact]
    public async Task Otlp_grpc_gets_server_and_upstream_spans_and_the_upstream_gets_the_child_context()
    {
        Environment.SetEnvironmentVariable("GATEWAY_TRACING_TEST_REGION", "eu-test");
        await using var collector = await TraceCollector.StartAsync();
        await using var upstream = await StartEchoAsync();
        var tracing = """
            tracing:
              spawn_upstream_span: true
              custom_tags:
              - tag: team
                literal: { value: payments }
              - tag: user
                request_header: { name: x-user, default_value: anonymous }
              - tag: region
                environment: { name: GATEWAY_TRACING_TEST_REGION }
              provider:
                name: envoy.tracers.opentelemetry
                typed_config:
                  "@type": type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig
                  grpc_service:
                    envoy_grpc: { cluster_name: otel_grpc }
                    timeout: 1s
                  service_name: front-proxy
            """;
        await using var gw = await TestGateway.StartAsync(Config(tracing, upstream.Port, collector, routeExtra: "decorator: { operation: checkout }"));

        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string clientSpan = "00f067aa0ba902b7";
        var seen = await GetSeenAsync(gw, "/pay?x=1", ("traceparent", $"00-{traceId}-{clientSpan}-01"), ("x-user", "alice"));
        // Two more requests: five spans make the tracer flush at once (Envoy's min_flush_spans).
        await GetSeenAsync(gw, "/a");
        await GetSeenAsync(gw, "/b");

        var upstreamParent = seen["traceparent"].Split('-');
        Assert.Equal(traceId, upstreamParent[1]);
        Assert.Equal("01", upstreamParent[3]);
        var spans = await collector.WaitForAsync(s => s.Count(x => x.TraceId == traceId) >= 2);
        var server = Assert.Single(spans, s => s.TraceId == traceId && s.Kind == "Server");
        var child = Assert.Single(spans, s => s.TraceId == traceId && s.Kind == "Client");
        Assert.Equal("checkout", server.Name);
        Assert.Equal(clientSpan, server.ParentSpanId);
        Assert.Equal("router backend egress", child.Name);
        Assert.Equal(server.SpanId, child.ParentSpanId);
        // The upstream continues the trace from the child span.
        Assert.Equal(child.SpanId, upstreamParent[2]);
        Assert.Equal("front-proxy", server.ServiceName);
        Assert.Equal("otlp-grpc", server.Receiver);
        Assert.Equal("payments", server.Tags["team"]);
        Assert.Equal("alice", server.Tags["user"]);
        Assert.Equal("eu-test", server.Tags["region"]);
        Assert.Equal("200", server.Tags["http.status_code"]);
        Assert.Equal("GET", server.Tags["http.method"]);
        Assert.EndsWith("/pay?x=1", server.Tags["http.url"]);
        Assert.Equal(seen["x-request-id"], server.Tags["guid:x-request-id"]);
        Assert.Equal("backend", child.Tags["upstream_cluster"]);
        Assert.Contains("otel_grpc", collector.Authorities);

        // The other requests started traces of their own, named by the same decorator, user tag defaulted.
        var other = spans.First(s => s.TraceId != traceId && s.Kind == "Server");
        Assert.Equal("anonymous", other.Tags["user"]);
    }

    [Fact]
    public async Task Otlp_http_without_upstream_span_propagates_the_server_span()
    {
        await using var collector = await TraceCollector.StartAsync();
        await using var upstream = await StartEchoAsync();
        var tracing = """
            tracing:
              provider:
                name: envoy.tracers.opentelemetry
                typed_config:
                  "@type": type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig
                  http_service:
                    http_uri: { uri: "http://collector:4318/v1/traces", cluster: collector_http, timeout: 1s }
            """;
        await using var gw = await TestGateway.StartAsync(Config(tracing, upstream.Port, collector));
        var seen = new List<Dictionary<string, string>>();
        for (var i = 0; i < 5; i++)
        {
            seen.Add(await GetSeenAsync(gw, "/"));
        }

        var spans = await collector.WaitForAsync(s => s.Count >= 5);
        foreach (var headers in seen)
        {
            var parts = headers["traceparent"].Split('-');
            var span = Assert.Single(spans, s => s.TraceId == parts[1]);
            Assert.Equal(parts[2], span.SpanId);
            Assert.Equal("", span.ParentSpanId);
            Assert.Equal("ingress", span.Name);
            Assert.Equal("unknown_service:envoy", span.ServiceName);
            Assert.Equal("otlp-http", span.Receiver);
        }

        Assert.Contains("collector:4318", collector.Authorities);
    }

    [Fact]
    public async Task Zipkin_shares_the_client_span_and_sends_b3_with_the_routers_child_span()
    {
        await using var collector = await TraceCollector.StartAsync();
        await using var upstream = await StartEchoAsync();
        var tracing = """
            tracing:
              provider:
                name: envoy.tracers.zipkin
                typed_config:
                  "@type": type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
                  collector_cluster: collector_http
                  collector_endpoint: "/api/v2/spans"
                  collector_endpoint_version: HTTP_JSON
            """;
        await using var gw = await TestGateway.StartAsync(Config(tracing, upstream.Port, collector, routeExtra: "decorator: { operation: routeToService1 }", startChildSpan: true));
        const string traceId = "463ac35c9f6413ad";
        const string clientSpan = "a2fb4a1d1a96d312";
        var seen = await GetSeenAsync(gw, "/", ("x-b3-traceid", traceId), ("x-b3-spanid", clientSpan), ("x-b3-sampled", "1"));
        await GetSeenAsync(gw, "/");
        await GetSeenAsync(gw, "/");

        Assert.Equal(traceId, seen["x-b3-traceid"]);
        Assert.Equal(clientSpan, seen["x-b3-parentspanid"]);
        Assert.Equal("1", seen["x-b3-sampled"]);
        var spans = await collector.WaitForAsync(s => s.Count(x => x.TraceId == traceId) >= 2);
        var server = Assert.Single(spans, s => s.TraceId == traceId && s.Kind == "SERVER");
        var child = Assert.Single(spans, s => s.TraceId == traceId && s.Kind == "CLIENT");
        // shared_span_context (default true): the server span is the client's span.
        Assert.Equal(clientSpan, server.SpanId);
        Assert.Equal("routeToService1", server.Name);
        Assert.Equal("router backend egress", child.Name);
        Assert.Equal(clientSpan, child.ParentSpanId);
        Assert.Equal(child.SpanId, seen["x-b3-spanid"]);
        Assert.Equal("proxy", server.Tags["component"]);
        Assert.Equal("zipkin", server.Receiver);
    }

    [Fact]
    public async Task Random_sampling_zero_propagates_unsampled_and_client_trace_id_still_traces()
    {
        await using var collector = await TraceCollector.StartAsync();
        await using var upstream = await StartEchoAsync();
        var tracing = """
            tracing:
              random_sampling: { value: 0 }
              provider:
                name: envoy.tracers.zipkin
                typed_config:
                  "@type": type.googleapis.com/envoy.config.trace.v3.ZipkinConfig
                  collector_cluster: collector_http
                  collector_endpoint: "/api/v2/spans"
                  collector_endpoint_version: HTTP_JSON
            """;
        await using var gw = await TestGateway.StartAsync(Config(tracing, upstream.Port, collector));
        var unsampled = await GetSeenAsync(gw, "/");
        Assert.Equal("0", unsampled["x-b3-sampled"]);
        var forced = new List<Dictionary<string, string>>();
        for (var i = 0; i < 5; i++)
        {
            forced.Add(await GetSeenAsync(gw, "/", ("x-client-trace-id", "debug-" + i)));
        }

        Assert.All(forced, f => Assert.Equal("1", f["x-b3-sampled"]));
        var spans = await collector.WaitForAsync(s => forced.All(f => s.Any(x => x.TraceId == f["x-b3-traceid"])));
        Assert.DoesNotContain(spans, s => s.TraceId == unsampled["x-b3-traceid"]);
    }

    [Fact]
    public async Task Overall_sampling_zero_traces_nothing_even_on_client_request()
    {
        await using var collector = await TraceCollector.StartAsync();
        await using var upstream = await StartEchoAsync();
        var tracing = """
            tracing:
              overall_sampling: { value: 0 }
              provider:
                name: envoy.tracers.opentelemetry
                typed_config:
                  "@type": type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig
                  grpc_service: { envoy_grpc: { cluster_name: otel_grpc } }
            """;
        await using var gw = await TestGateway.StartAsync(Config(tracing, upstream.Port, collector));
        var seen = await GetSeenAsync(gw, "/", ("x-client-trace-id", "please"));
        Assert.EndsWith("-00", seen["traceparent"]);
    }

    [InProcessGateway("reads the listener of the running snapshot (Host.State)")]
    [Fact]
    public async Task An_hcm_without_tracing_has_no_tracing_stage()
    {
        await using var upstream = await StartEchoAsync();
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: backend }
              decorator: { operation: inert-without-tracing }
            """, EnvoyYaml.StaticCluster("backend", upstream.Port)));
        var listener = gw.Host.State.Current.Listeners.Values.Single();
        Assert.DoesNotContain(listener.Filters.Filters, f => f is TracingFilter);
        var seen = await GetSeenAsync(gw, "/");
        Assert.False(seen.ContainsKey("traceparent"));
        Assert.False(seen.ContainsKey("x-b3-traceid"));
    }
}
