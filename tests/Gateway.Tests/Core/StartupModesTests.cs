using System.Text.Json;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>--config-yaml merged over -c, --mode init_only, and the node in /server_info.</summary>
public sealed class StartupModesTests
{
    private static string Routes() => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          direct_response: { status: 200, body: { inline_string: "ok" } }
        """, EnvoyYaml.StaticCluster("a", 1));

    [Fact]
    public void Config_yaml_merges_as_protobuf_merge_from()
    {
        var overlay = """
            node: { id: from-overlay, cluster: overlay-cluster }
            static_resources:
              clusters:
              - name: b
                type: STATIC
                load_assignment: { cluster_name: b, endpoints: [] }
            """;
        var file = "node: { id: from-file, cluster: file-cluster }\n" + Routes();
        var loaded = GatewayConfigLoader.Load(file, "envoy.yaml",
            new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())) { OverlayYaml = overlay });
        // Lists are appended to, scalars replaced, messages merged (the listener is still there).
        Assert.Equal(["a", "b"], loaded.Config.Clusters.Select(c => c.Name));
        Assert.Equal("overlay-cluster", loaded.Config.NodeCluster);
        Assert.Single(loaded.Config.Listeners);
        Assert.Contains("from-overlay", loaded.Config.SourceText);
    }

    [Fact]
    public void Init_only_initializes_and_exits_with_the_verdict()
    {
        Assert.True(CommandLineParser.TryParse(["--mode", "init_only", "--config-yaml", "{}"], out var parsed, out _));
        Assert.Equal("init_only", parsed.Mode);
        Assert.Equal("{}", parsed.ConfigYaml);

        var directory = TestGateway.NewDirectory();
        var good = Path.Combine(directory, "good.yaml");
        File.WriteAllText(good, Routes());
        var bad = Path.Combine(directory, "bad.yaml");
        File.WriteAllText(bad, Routes().Replace("direct_response", "direct_respons"));
        var errors = new StringWriter();
        Assert.Equal(0, InitOnlyCommand.Run(new GatewayOptions { ConfigPath = good }, errors));
        Assert.Equal(1, InitOnlyCommand.Run(new GatewayOptions { ConfigPath = bad }, errors));
        Assert.Contains("direct_respons", errors.ToString());
    }

    [Fact]
    public async Task Admin_requests_are_access_logged_in_envoys_default_format()
    {
        var directory = TestGateway.NewDirectory();
        var logPath = Path.Combine(directory, "admin-access.log");
        var yaml = Routes().Replace("admin:\n", $$"""
            admin:
              access_log:
              - name: envoy.access_loggers.file
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                  path: {{logPath}}

            """);
        Assert.Contains("access_loggers.file", yaml);
        await using var gw = await TestGateway.StartAsync(yaml, directory: directory);
        Assert.Equal(200, (int)(await gw.Admin.GetAsync("/server_info")).StatusCode);
        await TestGateway.WaitUntilAsync(() => File.Exists(logPath) && File.ReadAllText(logPath).Contains("\"GET /server_info HTTP/1.1\" 200"));
    }

    [Fact]
    public async Task Server_info_shows_the_node()
    {
        await using var gw = await TestGateway.StartAsync("""
            node:
              id: node-7
              cluster: edge
              metadata: { team: payments }
            """ + "\n" + Routes());
        using var json = JsonDocument.Parse(await gw.Admin.GetStringAsync("/server_info"));
        var node = json.RootElement.GetProperty("node");
        Assert.Equal("node-7", node.GetProperty("id").GetString());
        Assert.Equal("edge", node.GetProperty("cluster").GetString());
        Assert.Equal("payments", node.GetProperty("metadata").GetProperty("team").GetString());
        Assert.Equal("envoy", node.GetProperty("user_agent_name").GetString());
    }
}
