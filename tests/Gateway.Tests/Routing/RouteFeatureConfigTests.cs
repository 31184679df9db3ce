using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Routing;

/// <summary>
/// Config errors of the route features, located by file:line:col with Envoy's words: unknown or malformed
/// %...% operators in header values, headers that may not be edited, append with append_action, more
/// than one host rewrite, and the shared format syntax itself (escapes, legacy metadata forms).
/// </summary>
public sealed class RouteFeatureConfigTests
{
    private const string File = "routes.yaml";

    private static BootstrapLoadResult Load(string yaml) =>
        BootstrapLoader.Load(yaml, File, new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));

    private static string WithHeader(string header, string extra = "") => EnvoyYaml.WithRoutes($$"""
        - match: { prefix: "/" }
          direct_response: { status: 200 }
          request_headers_to_add:
          - header: {{header}}
        {{extra}}
        """);

    private static ConfigDiagnostic Refused(string yaml, ConfigDiagnosticKind kind, params string[] words)
    {
        var e = Assert.Throws<ConfigException>(() => Load(yaml));
        var d = Assert.Single(e.Diagnostics, d => d.Kind == kind);
        Assert.Equal(File, d.File);
        Assert.True(d.Line > 0 && d.Column > 0, d.ToString());
        Assert.StartsWith($"{File}:{d.Line}:{d.Column}:", d.ToString());
        foreach (var word in words)
        {
            Assert.Contains(word, d.Message);
        }

        return d;
    }

    [Theory]
    [InlineData("%NOPE%", "Not supported field in StreamInfo: NOPE")]
    [InlineData("%UPSTREAM_REMOTE_ADDRESS%", "Not supported field in StreamInfo: UPSTREAM_REMOTE_ADDRESS")]
    [InlineData("50%", "Couldn't find valid command at position 2")]
    [InlineData("%REQ(x-a", "Couldn't find valid command at position 0")]
    [InlineData("%PROTOCOL(x)%", "PROTOCOL does not take any parameters or length")]
    [InlineData("%REQ()%", "REQ requires parameters")]
    [InlineData("%REQ(a?b?c)%", "More than 1 alternative header specified in token: a?b?c")]
    public void Bad_operators_in_header_values_are_refused_where_they_are(string value, string message)
    {
        var yaml = WithHeader($"{{ key: x-a, value: \"{value}\" }}");
        var d = Refused(yaml, ConfigDiagnosticKind.Error, message);
        Assert.EndsWith("request_headers_to_add[0].header.value", d.YamlPath);
        var line = Array.FindIndex(yaml.Split('\n'), l => l.Contains("key: x-a", StringComparison.Ordinal)) + 1;
        Assert.Equal(line, d.Line);
    }

    [Theory]
    [InlineData("host")]
    [InlineData(":path")]
    public void Host_and_pseudo_headers_may_not_be_added(string key)
    {
        Refused(WithHeader($"{{ key: \"{key}\", value: x }}"), ConfigDiagnosticKind.Error, ":-prefixed or host headers may not be modified");
    }

    [Fact]
    public void Append_with_another_append_action_is_refused()
    {
        Refused(WithHeader("{ key: x-a, value: b }", "    append: false\n    append_action: ADD_IF_ABSENT"), ConfigDiagnosticKind.Error,
            "Both append and append_action are set and it's not allowed");
    }

    [Fact]
    public void Two_host_rewrites_are_one_oneof_too_many()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: c, host_rewrite_literal: a.test, host_rewrite_header: x-host }
            """, EnvoyYaml.StaticCluster("c", 9));
        Refused(yaml, ConfigDiagnosticKind.Error, "oneof field 'host_rewrite_specifier' is already set", "host_rewrite_header");
    }

    [Fact]
    public void The_grpc_matcher_has_no_fields()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/", grpc: { strict: true } }
              direct_response: { status: 200 }
            """);
        Refused(yaml, ConfigDiagnosticKind.Error, "strict");
    }

    [Fact]
    public void Filters_that_write_values_as_they_are_refuse_operators_but_take_escapes()
    {
        static string LocalReply(string value) => EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              direct_response: { status: 200 }
            """,
            hcmExtra: $$"""
            local_reply_config:
              mappers:
              - filter: { status_code_filter: { comparison: { op: EQ, value: { default_value: 404, runtime_key: k } } } }
                headers_to_add:
                - header: { key: x-a, value: "{{value}}" }
            """);

        Refused(LocalReply("%REQ(x)%"), ConfigDiagnosticKind.Unsupported, "does not expand");
        var mapper = Assert.Single(Load(LocalReply("100%%")).Config.Listeners[0].Http!.LocalReply!.Mappers);
        Assert.Equal("100%", Assert.Single(mapper.HeadersToAdd).Value);
    }

    [Fact]
    public void Route_header_values_keep_plain_text_plain_and_parse_operators_once()
    {
        var route = Load(WithHeader("{ key: x-a, value: \"a%%b\" }", "  - header: { key: x-b, value: \"%REQ(x)%-%PER_REQUEST_STATE(k)%\" }"))
            .Config.Listeners[0].Http!.RouteConfig.VirtualHosts[0].Routes[0];
        var plain = route.Headers.RequestAdd[0];
        Assert.Equal("a%b", plain.Value);
        Assert.Null(plain.Format);
        var parts = route.Headers.RequestAdd[1].Format!;
        Assert.Equal(["REQ", "-", "FILTER_STATE"], parts.Select(p => p.Text));
        Assert.Equal("k:PLAIN", parts[2].Args);
    }

    [Theory]
    [InlineData("%UPSTREAM_METADATA([\"ns\", \"a\", \"b\"])%", "%UPSTREAM_METADATA(ns:a:b)%")]
    [InlineData("x %DYNAMIC_METADATA([\"ns\",\"k\"])% y", "x %DYNAMIC_METADATA(ns:k)% y")]
    [InlineData("%PER_REQUEST_STATE(my.key)%", "%FILTER_STATE(my.key:PLAIN)%")]
    [InlineData("%UPSTREAM_METADATA([\"ns\", 1)%", "%UPSTREAM_METADATA([\"ns\", 1)%")]
    [InlineData("%UPSTREAM_METADATA(ns:k)%", "%UPSTREAM_METADATA(ns:k)%")]
    public void Legacy_header_forms_are_translated_as_envoy_does(string value, string translated)
    {
        Assert.Equal(translated, SubstitutionFormatSyntax.TranslateLegacyHeaderFormat(value));
    }

    [Fact]
    public void The_access_log_shares_the_syntax_including_the_escape()
    {
        var segments = Gateway.AccessLog.AccessLogFormatParser.Parse("100%% %PROTOCOL%");
        Assert.Equal("100% ", Assert.IsType<Gateway.AccessLog.LiteralSegment>(segments[0]).Text);
        foreach (var name in SubstitutionFormatSyntax.CommandNames)
        {
            // Every name the syntax admits has a segment (arguments where it needs them).
            var args = name is "REQ" or "RESP" or "ENVIRONMENT" ? "(x)" : name is "DYNAMIC_METADATA" or "UPSTREAM_METADATA" or "FILTER_STATE" ? "(ns)" : "";
            Assert.Single(Gateway.AccessLog.AccessLogFormatParser.Parse($"%{name}{args}%"));
        }
    }
}
