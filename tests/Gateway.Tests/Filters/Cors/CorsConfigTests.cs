using Gateway.Clusters.Configuration;
using Gateway.Tests.Support;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.Cors;

/// <summary>Parsing of the CORS filter, its per-route CorsPolicy and the legacy cors fields, with their errors.</summary>
public sealed class CorsConfigTests
{
    private const string Filter = """
        - name: envoy.filters.http.cors
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
        """;

    private static string WithHostPolicy(string policy) => Proxied(Filter, 9, vhostExtra:
        "typed_per_filter_config:\n  envoy.filters.http.cors:\n    \"@type\": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy\n" + EnvoyYaml.Indent(policy, 4));

    [Fact]
    public void A_full_policy_and_the_legacy_fields_load()
    {
        Assert.Empty(Diagnostics(WithHostPolicy("""
            allow_origin_string_match: [{ safe_regex: { regex: ".*\\.example" } }, { exact: "*" }]
            allow_methods: GET
            allow_headers: x-a
            expose_headers: x-b
            max_age: "10"
            allow_credentials: { value: true }
            allow_private_network_access: false
            forward_not_matching_preflights: true
            filter_enabled: { runtime_key: cors.on, default_value: { numerator: 50, denominator: TEN_THOUSAND } }
            shadow_enabled: { default_value: { numerator: 1, denominator: MILLION } }
            """)));
        Assert.Empty(Diagnostics(Proxied(Filter, 9, vhostExtra: "cors: { allow_methods: GET, allow_origin_string_match: [{ prefix: x }] }")));
    }

    [Fact]
    public void The_v2_allow_origin_field_is_not_read_silently()
    {
        var error = SingleError(WithHostPolicy("allow_origin: [\"*\"]"));

        Assert.EndsWith("typed_per_filter_config.envoy.filters.http.cors.allow_origin", error.YamlPath);
        Assert.Contains("allow_origin", error.Message);
    }

    [Fact]
    public void A_runtime_fraction_needs_its_default_value()
    {
        var error = SingleError(WithHostPolicy("filter_enabled: { runtime_key: cors.on }"));

        Assert.Equal(ConfigDiagnosticKind.Error, error.Kind);
        Assert.Contains("missing required field 'default_value'", error.Message);
    }

    [Fact]
    public void A_bad_origin_regex_is_named()
    {
        var error = SingleError(WithHostPolicy("allow_origin_string_match: [{ safe_regex: { regex: \"(\" } }]"));

        Assert.Contains("invalid regex '('", error.Message);
        Assert.EndsWith("allow_origin_string_match[0].safe_regex.regex", error.YamlPath);
    }

    [Fact]
    public void A_bad_denominator_is_refused_with_the_names_envoy_accepts()
    {
        var error = SingleError(WithHostPolicy("filter_enabled: { default_value: { numerator: 1, denominator: THOUSAND } }"));

        Assert.Contains("HUNDRED, TEN_THOUSAND, MILLION", error.Message);
    }
}
