using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;

namespace Gateway.Tests.Configuration;

/// <summary>
/// envoy.yaml is read as Envoy reads it (yaml-cpp into a protobuf Struct, then protobuf's JSON parser
/// with legacy rules): each test is one rule, and where YamlDotNet alone would differ from yaml-cpp the
/// test says so.
/// </summary>
public sealed class EnvoyParsingParityTests
{
    private const string File = "parity.yaml";

    private const string Hcm = """
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: s
          route_config:
            virtual_hosts:
            - name: vh
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                direct_response: { status: 200 }
          http_filters:
          - name: envoy.filters.http.router
            typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
""";

    /// <summary>A listener on 127.0.0.1:10000 answering 200, as a list item under <c>listeners:</c>.</summary>
    private static string Listener(string hcm = Hcm, string port = "10000", string extra = "") => $$"""
  - name: l
    address: { socket_address: { address: 127.0.0.1, port_value: {{port}} } }
{{extra}}    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
{{hcm}}

""";

    private static string Bootstrap(string listeners) => "static_resources:\n  listeners:\n" + listeners;

    private static BootstrapLoadResult Load(string yaml) =>
        BootstrapLoader.Load(yaml, File, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));

    private static ConfigException Refused(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml));

    [Fact]
    public void The_base_config_loads()
    {
        var listener = Assert.Single(Load(Bootstrap(Listener())).Config.Listeners);
        Assert.Equal(10000, listener.Address.Port);
    }

    // ---- One element where a list is expected ----

    [Fact]
    public void A_single_listener_mapping_is_a_one_element_list()
    {
        // listeners: given the mapping itself, not a list of one (10 corpus files do this).
        var yaml = "static_resources:\n  listeners:\n" + Listener().Replace("  - name: l", "    name: l", StringComparison.Ordinal);
        var listener = Assert.Single(Load(yaml).Config.Listeners);
        Assert.Equal("l", listener.Name);
    }

    [Fact]
    public void A_single_cluster_mapping_is_a_one_element_list()
    {
        var yaml = Bootstrap(Listener()) + """
  clusters:
    name: one
    type: STATIC
    load_assignment:
      cluster_name: one
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 9 } } }
""";
        var cluster = Assert.Single(Load(yaml).Config.Clusters);
        Assert.Equal("one", cluster.Name);
    }

    [Fact]
    public void A_single_string_where_strings_are_expected_is_a_one_element_list()
    {
        var yaml = Bootstrap(Listener(Hcm.Replace("domains: [\"*\"]", "domains: \"*\"", StringComparison.Ordinal)));
        var vhost = Assert.Single(Assert.Single(Load(yaml).Config.Listeners).Http.RouteConfig.VirtualHosts);
        Assert.Equal(["*"], vhost.Domains);
    }

    // ---- Duplicate keys: the last one wins ----

    [Fact]
    public void A_key_given_twice_keeps_the_last_value_and_warns()
    {
        // YamlDotNet alone refuses the file ("Duplicate key"); yaml-cpp into a Struct keeps the last.
        var yaml = Bootstrap(Listener(extra: "    address: { socket_address: { address: 127.0.0.1, port_value: 10001 } }\n"));
        var result = Load(yaml);
        Assert.Equal(10001, Assert.Single(result.Config.Listeners).Address.Port);
        var warning = Assert.Single(result.Warnings, w => w.Message.Contains("'address'", StringComparison.Ordinal));
        Assert.Equal(ConfigDiagnosticKind.Warning, warning.Kind);
        Assert.Equal(4, warning.Line);
    }

    [Fact]
    public void A_key_given_twice_in_a_flow_mapping_keeps_the_last_value()
    {
        var yaml = Bootstrap(Listener(port: "10000, port_value: 10002"));
        Assert.Equal(10002, Assert.Single(Load(yaml).Config.Listeners).Address.Port);
    }

    [Fact]
    public void Positions_after_a_dropped_duplicate_are_unchanged()
    {
        // The earlier duplicate is blanked in place, so a later error still points at its own line.
        var yaml = Bootstrap(Listener(port: "10000, port_value: abc"));
        var e = Refused(yaml);
        var d = Assert.Single(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error);
        Assert.Equal(4, d.Line);
        Assert.Contains("'abc'", d.Message, StringComparison.Ordinal);
    }

    // ---- Scalars yaml-cpp reads and YamlDotNet does not, or reads differently ----

    [Fact]
    public void A_multi_line_double_quoted_scalar_continued_at_its_key_column_is_read()
    {
        // YamlDotNet: "While scanning a multi-line double-quoted scalar, found wrong indentation".
        var hcm = Hcm.Replace("            - name: vh\n", "            - name: \"vh\n              one\"\n", StringComparison.Ordinal);
        var vhost = Assert.Single(Assert.Single(Load(Bootstrap(Listener(hcm))).Config.Listeners).Http.RouteConfig.VirtualHosts);
        Assert.Equal("vh one", vhost.Name);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("Y", true)]
    [InlineData("TRUE", true)]
    [InlineData("no", false)]
    [InlineData("Off", false)]
    public void Plain_yaml_cpp_booleans_are_booleans(string text, bool expected)
    {
        // YamlDotNet leaves these as strings; yaml-cpp's convert<bool> reads them.
        var hcm = Hcm.Replace("stat_prefix: s", $"stat_prefix: s\n          always_set_request_id_in_response: {text}", StringComparison.Ordinal);
        Assert.Equal(expected, Assert.Single(Load(Bootstrap(Listener(hcm))).Config.Listeners).Http.AlwaysSetRequestIdInResponse);
    }

    [Fact]
    public void A_quoted_yes_is_a_string_not_a_boolean()
    {
        var hcm = Hcm.Replace("stat_prefix: s", "stat_prefix: s\n          always_set_request_id_in_response: \"yes\"", StringComparison.Ordinal);
        var e = Refused(Bootstrap(Listener(hcm)));
        Assert.Contains("'yes'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x2710", 10000)]   // hexadecimal, as a C++ stream with the base from the prefix reads it
    [InlineData("023420", 10000)]   // octal
    [InlineData("\"10000\"", 10000)] // a quoted integer: protobuf reads the string as decimal
    [InlineData("\"010\"", 10)]     // quoted, so decimal, not octal
    public void Integers_are_read_as_yaml_cpp_then_protobuf_read_them(string text, int expected)
    {
        var yaml = Bootstrap(Listener(port: text));
        Assert.Equal(expected, Assert.Single(Load(yaml).Config.Listeners).Address.Port);
    }

    [Fact]
    public void A_key_tagged_ignore_is_skipped()
    {
        // Envoy skips "!ignore" keys, a place to define anchors used elsewhere.
        var yaml = "!ignore anchors:\n  port: &port 10003\n" +
                   Bootstrap(Listener(port: "*port"));
        Assert.Equal(10003, Assert.Single(Load(yaml).Config.Listeners).Address.Port);
    }

    // ---- Envoy's defaults and its words ----

    [Fact]
    public void An_hcm_without_http_filters_gets_the_router()
    {
        var hcm = Hcm[..Hcm.IndexOf("          http_filters:", StringComparison.Ordinal)];
        var filter = Assert.Single(Assert.Single(Load(Bootstrap(Listener(hcm))).Config.Listeners).Http.HttpFilters);
        Assert.Equal("envoy.extensions.filters.http.router.v3.Router", filter.TypeName);
    }

    [Fact]
    public void An_internal_listener_needs_no_address_and_is_refused_only_by_name()
    {
        var yaml = Bootstrap(Listener().Replace("    address: { socket_address: { address: 127.0.0.1, port_value: 10000 } }\n",
            "    internal_listener: {}\n", StringComparison.Ordinal));
        var e = Refused(yaml);
        Assert.DoesNotContain(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error);
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal(ConfigDiagnosticKind.Unsupported, d.Kind);
        Assert.Contains("internal_listener", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typed_config_without_type_is_refused_in_envoys_words()
    {
        var hcm = Hcm.Replace("typed_config: { \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }",
            "typed_config: { suppress_envoy_headers: true }", StringComparison.Ordinal);
        var e = Refused(Bootstrap(Listener(hcm)));
        Assert.Contains("Unable to parse JSON as proto (INVALID_ARGUMENT:(static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config): " +
                        "invalid value Missing @type for any field in envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter for type Any)",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_typed_config_is_an_empty_any_and_the_name_decides()
    {
        var hcm = Hcm.Replace("typed_config: { \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }",
            "typed_config: {}", StringComparison.Ordinal);
        Assert.Single(Load(Bootstrap(Listener(hcm))).Config.Listeners);
    }

    // ---- Mistakes keep their position and name what was wrong ----

    [Fact]
    public void An_unclosed_bracket_is_reported_where_it_opens()
    {
        // YamlDotNet throws "Operation is not valid due to the current state of the object" here.
        var yaml = Bootstrap(Listener(Hcm.Replace("domains: [\"*\"]", "domains: [\"*\"", StringComparison.Ordinal)));
        var d = Assert.Single(Refused(yaml).Diagnostics);
        Assert.Equal(14, d.Line);
        Assert.Equal(24, d.Column);
        Assert.Contains("'[' here is never closed", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("current state of the object", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tab_is_reported_at_its_own_line()
    {
        var yaml = Bootstrap(Listener(Hcm.Replace("          stat_prefix: s", "\t  stat_prefix: s", StringComparison.Ordinal)));
        var d = Assert.Single(Refused(yaml).Diagnostics);
        Assert.Equal(10, d.Line);
        Assert.Equal(1, d.Column);
        Assert.Contains("tab", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_scalar_names_the_value()
    {
        var d = Assert.Single(Refused(Bootstrap(Listener(port: "abc"))).Diagnostics);
        Assert.Contains("'abc'", d.Message, StringComparison.Ordinal);
        Assert.Equal("static_resources.listeners[0].address.socket_address.port_value", d.YamlPath);
    }

    [Fact]
    public void A_misspelt_field_gets_did_you_mean()
    {
        var hcm = Hcm.Replace("stat_prefix: s", "stat_prefix: s\n          strip_any_host_prt: true", StringComparison.Ordinal);
        var d = Assert.Single(Refused(Bootstrap(Listener(hcm))).Diagnostics);
        Assert.Contains("strip_any_host_prt: Cannot find field.", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean \"strip_any_host_port\"", d.Message, StringComparison.Ordinal);
    }

    // ---- Inert fields ----

    [Fact]
    public void An_inert_field_is_accepted_and_reported_once_as_ignored()
    {
        var listeners = Listener(extra: "    traffic_direction: OUTBOUND\n") +
                        Listener(port: "10001", extra: "    traffic_direction: INBOUND\n").Replace("name: l", "name: l2", StringComparison.Ordinal);
        var result = Load(Bootstrap(listeners));
        Assert.Equal(2, result.Config.Listeners.Count);
        Assert.Empty(result.Warnings);
        var ignored = Assert.Single(result.Ignored);
        Assert.Equal(ConfigDiagnosticKind.Inert, ignored.Kind);
        Assert.Contains("traffic_direction", ignored.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_envoy_has_and_this_gateway_does_not_implement_is_still_refused_by_name()
    {
        var hcm = Hcm.Replace("stat_prefix: s", "stat_prefix: s\n          append_x_forwarded_port: true", StringComparison.Ordinal);
        var d = Assert.Single(Refused(Bootstrap(Listener(hcm))).Diagnostics);
        Assert.Equal(ConfigDiagnosticKind.Unsupported, d.Kind);
        Assert.Contains("append_x_forwarded_port", d.Message, StringComparison.Ordinal);
    }
}
