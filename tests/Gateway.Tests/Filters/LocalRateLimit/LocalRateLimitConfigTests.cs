using Gateway.Clusters.Configuration;
using Gateway.Tests.Support;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.LocalRateLimit;

/// <summary>Parsing of envoy.filters.http.local_ratelimit (filter level and per route) with Envoy's errors.</summary>
public sealed class LocalRateLimitConfigTests
{
    private static string WithFilter(string body) => Proxied($$"""
        - name: envoy.filters.http.local_ratelimit
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
        {{EnvoyYaml.Indent(body, 4)}}
        """, 9);

    [Fact]
    public void The_envoy_example_loads()
    {
        Assert.Empty(Diagnostics(WithFilter("""
            stat_prefix: http_local_rate_limiter
            token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 5s }
            filter_enabled: { runtime_key: a, default_value: { numerator: 100, denominator: HUNDRED } }
            filter_enforced: { runtime_key: b, default_value: { numerator: 100, denominator: HUNDRED } }
            response_headers_to_add:
            - append_action: OVERWRITE_IF_EXISTS_OR_ADD
              header: { key: x-local-rate-limit, value: 'true' }
            local_rate_limit_per_downstream_connection: false
            status: { code: 503 }
            enable_x_ratelimit_headers: DRAFT_VERSION_03
            """)));
    }

    [Fact]
    public void Stat_prefix_is_required()
    {
        var error = SingleError(WithFilter("token_bucket: { max_tokens: 1, fill_interval: 1s }"));

        Assert.Contains("missing required field 'stat_prefix'", error.Message);
    }

    [Fact]
    public void A_fill_interval_under_50ms_is_refused_as_envoy_does()
    {
        var error = SingleError(WithFilter("stat_prefix: a\ntoken_bucket: { max_tokens: 1, fill_interval: 0.01s }"));

        Assert.Contains("local rate limit token bucket fill timer must be >= 50ms", error.Message);
        Assert.EndsWith("token_bucket.fill_interval", error.YamlPath);
    }

    [Fact]
    public void Max_tokens_must_be_above_zero()
    {
        var error = SingleError(WithFilter("stat_prefix: a\ntoken_bucket: { max_tokens: 0, fill_interval: 1s }"));

        Assert.Contains("max_tokens: value must be greater than 0", error.Message);
    }

    [Fact]
    public void A_per_route_config_needs_a_token_bucket()
    {
        var yaml = Proxied("""
            - name: envoy.filters.http.local_ratelimit
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                stat_prefix: a
            """, 9, """
            - match: { prefix: "/" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.local_ratelimit:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                  stat_prefix: b
            """);

        var error = SingleError(yaml);

        Assert.Contains("local rate limit token bucket must be set for per filter configs", error.Message);
    }

    [Fact]
    public void Descriptors_and_per_connection_buckets_are_refused_by_name()
    {
        var diagnostics = Diagnostics(WithFilter("""
            stat_prefix: a
            token_bucket: { max_tokens: 1, fill_interval: 1s }
            descriptors:
            - entries: [{ key: client, value: a }]
              token_bucket: { max_tokens: 1, fill_interval: 1s }
            local_rate_limit_per_downstream_connection: true
            """));

        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(ConfigDiagnosticKind.Unsupported, d.Kind));
        Assert.Contains(diagnostics, d => d.YamlPath.EndsWith(".descriptors", StringComparison.Ordinal) && d.Message.Contains("descriptors"));
        Assert.Contains(diagnostics, d => d.YamlPath.EndsWith(".local_rate_limit_per_downstream_connection", StringComparison.Ordinal));
    }

    [Fact]
    public void A_status_code_that_is_not_an_envoy_status_is_refused()
    {
        var error = SingleError(WithFilter("stat_prefix: a\nstatus: { code: 999 }"));

        Assert.Contains("envoy.type.v3.StatusCode", error.Message);
    }
}
