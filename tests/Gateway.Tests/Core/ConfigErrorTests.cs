using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>
/// Every kind of config mistake is refused with the file, the YAML path and the line, in words a user
/// can act on; none crashes with another exception type.
/// </summary>
public sealed class ConfigErrorTests
{
    private const string File = "test.yaml";

    private static BootstrapLoadResult Load(string yaml, bool ignoreUnsupported = false) =>
        BootstrapLoader.Load(yaml, File, new BootstrapLoadOptions(ignoreUnsupported, FilterFactories.Create(new GatewayOptions())));

    private static ConfigException Refused(string yaml)
    {
        var e = Assert.Throws<ConfigException>(() => Load(yaml));
        Assert.NotEmpty(e.Diagnostics);
        Assert.All(e.Diagnostics, d => Assert.Equal(File, d.File));
        return e;
    }

    /// <summary>The single error, located at <paramref name="path"/> (and a line when <paramref name="line"/> is given).</summary>
    private static ConfigDiagnostic Error(string yaml, string path, int? line, params string[] words)
    {
        var e = Refused(yaml);
        var d = Assert.Single(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error);
        Assert.Equal(path, d.YamlPath);
        if (line is { } l)
        {
            Assert.Equal(l, d.Line);
            Assert.StartsWith($"{File}:{l}:", d.ToString());
        }

        foreach (var word in words)
        {
            Assert.Contains(word, e.Message);
        }

        Assert.Contains(path, e.Message);
        return d;
    }

    private static string Cluster(string body) => "static_resources:\n  clusters:\n" + EnvoyYaml.Indent(body, 2);

    private const string GoodCluster = """
        - name: a
          type: STATIC
          load_assignment:
            cluster_name: a
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8080 } } }
        """;

    [Fact]
    public void GoodConfigLoads()
    {
        var result = Load(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: a }
            """, GoodCluster));
        Assert.Single(result.Config.Clusters);
    }

    [Fact]
    public void YamlSyntaxError()
    {
        var e = Refused("static_resources:\n  clusters:\n  - name: [a\n");
        var d = Assert.Single(e.Diagnostics);
        Assert.True(d.Line > 0);
        Assert.Contains("YAML", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"{File}:{d.Line}:", e.Message);
    }

    [Fact]
    public void V2HostsOnClusterIsUnknownFieldInEnvoysWords()
    {
        var d = Error(Cluster("""
            - name: a
              type: STATIC
              hosts: [{ socket_address: { address: 127.0.0.1, port_value: 80 } }]
            """), "static_resources.clusters[0].hosts", 5, "has unknown fields", "hosts: Cannot find field");
        Assert.Equal(5, d.Column);
    }

    [Fact]
    public void TypoIsUnknownField()
    {
        Error(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: a, timout: 1s }
            """, GoodCluster), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.timout", null, "has unknown fields");
    }

    [Fact]
    public void UnsupportedFieldsAreAllListedAndIgnoreUnsupportedAcceptsThem()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/", tls_context: { presented: true } }
              route: { cluster: a }
            """, GoodCluster.Replace("  type: STATIC\n", "  type: STATIC\n  upstream_bind_config: { source_address: { address: 127.0.0.1, port_value: 0 } }\n"));
        var e = Refused(yaml);
        Assert.Equal(2, e.Diagnostics.Count(d => d.Kind == ConfigDiagnosticKind.Unsupported));
        Assert.DoesNotContain(e.Diagnostics, d => d.Kind == ConfigDiagnosticKind.Error);
        Assert.Contains("routes[0].match.tls_context", e.Message);
        Assert.Contains("static_resources.clusters[0].upstream_bind_config", e.Message);
        Assert.Contains("--ignore-unsupported", e.Message);
        Assert.All(e.Diagnostics, d => Assert.True(d.Line > 0));

        var loaded = Load(yaml, ignoreUnsupported: true);
        Assert.Equal(2, loaded.Warnings.Count(w => w.Kind == ConfigDiagnosticKind.Unsupported || w.Kind == ConfigDiagnosticKind.Warning));
    }

    [Fact]
    public async Task IgnoreUnsupportedStartsTheGateway()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/", tls_context: { presented: true } }
              direct_response: { status: 200, body: { inline_string: ok } }
            """);
        await Assert.ThrowsAsync<ConfigException>(() => TestGateway.StartAsync(yaml));
        await using var gw = await TestGateway.StartAsync(yaml, o => o with { IgnoreUnsupported = true });
        Assert.Equal("ok", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public void RouteToUnknownCluster()
    {
        Error(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: missing }
            """, GoodCluster), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster", null, "route: unknown cluster 'missing'");
    }

    [Fact]
    public void BadDuration()
    {
        Error(Cluster(GoodCluster.Replace("  type: STATIC\n", "  type: STATIC\n  connect_timeout: 5 seconds\n")),
            "static_resources.clusters[0].connect_timeout", 5, "5 seconds");
    }

    [Fact]
    public void PortOutOfRange()
    {
        Error(Cluster(GoodCluster.Replace("8080", "70000")),
            "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value", 9, "70000");
    }

    [Fact]
    public void BadRegex()
    {
        Error(EnvoyYaml.WithRoutes("""
            - match: { safe_regex: { regex: "/a[" } }
              direct_response: { status: 200 }
            """), "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].match.safe_regex.regex", null, "/a[");
    }

    [Fact]
    public void DuplicateClusterNames()
    {
        var e = Refused(Cluster(GoodCluster + "\n" + GoodCluster));
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal("static_resources.clusters[1].name", d.YamlPath);
        Assert.Equal(10, d.Line);
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void DuplicateDomains()
    {
        var e = Refused(EnvoyYaml.Bootstrap("""
            - name: one
              domains: ["x.test"]
              routes: [{ match: { prefix: "/" }, direct_response: { status: 200 } }]
            - name: two
              domains: ["X.test"]
              routes: [{ match: { prefix: "/" }, direct_response: { status: 200 } }]
            """));
        var d = Assert.Single(e.Diagnostics);
        Assert.Contains("virtual_hosts[1].domains", d.YamlPath);
        Assert.True(d.Line > 0);
        Assert.Contains("x.test", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void StaticClusterWithHostName()
    {
        var e = Refused(Cluster(GoodCluster.Replace("127.0.0.1", "backend.local")));
        var d = Assert.Single(e.Diagnostics);
        Assert.Contains("static_resources.clusters[0]", d.YamlPath);
        Assert.True(d.Line > 0);
        Assert.Contains("backend.local", e.Message);
        Assert.Contains("STRICT_DNS", e.Message);
    }

    [Fact]
    public void WrongEnumValue()
    {
        Error(Cluster(GoodCluster.Replace("type: STATIC", "type: STATICK")), "static_resources.clusters[0].type", 4, "STATICK");
    }

    [Fact]
    public void LowerCaseEnumsAreAccepted()
    {
        var result = Load(Cluster(GoodCluster.Replace("type: STATIC", "type: strict_dns\n  lb_policy: least_request\n  dns_lookup_family: v4_only")));
        Assert.Single(result.Config.Clusters);
    }

    [Fact]
    public void UnknownLbPolicyIsRefusedByName()
    {
        var e = Refused(Cluster(GoodCluster.Replace("type: STATIC", "type: STATIC\n  lb_policy: MAGLEV")));
        Assert.Contains("MAGLEV", e.Message);
        Assert.Contains("static_resources.clusters[0].lb_policy", e.Message);
    }

    [Fact]
    public void EmptyFile()
    {
        var e = Refused("");
        Assert.Contains("empty", e.Message);
        Assert.StartsWith(File, e.Message);
    }

    [Fact]
    public void BinaryGarbage()
    {
        var bytes = new byte[512];
        new Random(3).NextBytes(bytes);
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        var e = Refused(text);
        Assert.StartsWith(File, e.Message);
    }

    [Fact]
    public void EveryErrorIsReportedNotJustTheFirst()
    {
        var e = Refused(Cluster(GoodCluster.Replace("type: STATIC", "type: STATICK\n  connect_timeout: soon")));
        Assert.Equal(2, e.Diagnostics.Count(d => d.Kind == ConfigDiagnosticKind.Error));
    }
}
