using Gateway.Clusters.Configuration;
using Gateway.Tests.Support;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.Fault;

/// <summary>Parsing of envoy.filters.http.fault with Envoy's errors.</summary>
public sealed class FaultConfigTests
{
    private static string WithFilter(string body) => Proxied($$"""
        - name: envoy.filters.http.fault
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
        {{EnvoyYaml.Indent(body, 4)}}
        """, 9);

    [Fact]
    public void The_envoy_example_and_header_faults_load()
    {
        Assert.Empty(Diagnostics(WithFilter("""
            abort: { http_status: 503, percentage: { numerator: 0, denominator: HUNDRED } }
            delay: { fixed_delay: 3s, percentage: { numerator: 0, denominator: HUNDRED } }
            """)));
        Assert.Empty(Diagnostics(WithFilter("""
            abort: { header_abort: {}, percentage: { numerator: 100 } }
            delay: { header_delay: {}, percentage: { numerator: 100 } }
            max_active_faults: 10
            upstream_cluster: backend
            downstream_nodes: [a, b]
            headers: [{ name: x-fault, present_match: true }]
            abort_percent_runtime: my.key
            """)));
    }

    [Fact]
    public void An_abort_needs_exactly_one_error_type()
    {
        var error = SingleError(WithFilter("abort: { percentage: { numerator: 1 } }"));

        Assert.Contains("exactly one of http_status, grpc_status or header_abort", error.Message);
        Assert.EndsWith("typed_config.abort", error.YamlPath);
    }

    [Fact]
    public void An_http_status_outside_200_to_599_is_refused()
    {
        var error = SingleError(WithFilter("abort: { http_status: 600 }"));

        Assert.Contains("value must be inside range [200, 600)", error.Message);
    }

    [Fact]
    public void A_delay_needs_fixed_delay_or_header_delay()
    {
        var error = SingleError(WithFilter("delay: { percentage: { numerator: 1 } }"));

        Assert.Contains("exactly one of fixed_delay or header_delay", error.Message);
    }

    [Fact]
    public void Response_rate_limit_is_refused_by_name()
    {
        var error = SingleError(WithFilter("response_rate_limit: { fixed_limit: { limit_kbps: 1 } }"));

        Assert.Equal(ConfigDiagnosticKind.Unsupported, error.Kind);
        Assert.Contains("response_rate_limit", error.Message);
    }

    [Fact]
    public void A_bad_header_regex_is_named_not_thrown()
    {
        var error = SingleError(WithFilter("headers: [{ name: x, safe_regex_match: { regex: \"[\" } }]\nabort: { http_status: 500 }"));

        Assert.Contains("invalid regex '['", error.Message);
    }
}
