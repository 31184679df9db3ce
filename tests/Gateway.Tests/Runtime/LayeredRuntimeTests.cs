using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Runtime;

/// <summary>layered_runtime over real sockets: static and admin layers, /runtime, /runtime_modify, runtime_fraction on a route.</summary>
public sealed class LayeredRuntimeTests
{
    private const string Routes = """
        - match:
            prefix: "/"
            runtime_fraction:
              default_value: { numerator: 100, denominator: HUNDRED }
              runtime_key: routing.canary
          direct_response: { status: 200, body: { inline_string: "canary" } }
        - match: { prefix: "/" }
          direct_response: { status: 200, body: { inline_string: "stable" } }
        """;

    private static string Yaml(string runtime) => EnvoyYaml.WithRoutes(Routes) + runtime;

    [Fact]
    public async Task Static_layers_set_keys_and_the_admin_layer_overrides_them_at_run_time()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("""
            layered_runtime:
              layers:
              - name: static_layer_0
                static_layer:
                  routing:
                    canary: 0
                  health_check:
                    min_interval: 5
              - name: admin
                admin_layer: {}
            """));

        Assert.Equal("stable", await gw.Client.GetStringAsync("/"));

        using var report = JsonDocument.Parse(await gw.Admin.GetStringAsync("/runtime"));
        Assert.Equal(["static_layer_0", "admin"], report.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetString()!).ToArray());
        var entry = report.RootElement.GetProperty("entries").GetProperty("health_check.min_interval");
        Assert.Equal("5", entry.GetProperty("final_value").GetString());
        Assert.Equal(["5", ""], entry.GetProperty("layer_values").EnumerateArray().Select(v => v.GetString()!).ToArray());

        using var modify = await gw.Admin.PostAsync("/runtime_modify?routing.canary=100", null);
        Assert.Equal(HttpStatusCode.OK, modify.StatusCode);
        Assert.Equal("OK\n", await modify.Content.ReadAsStringAsync());
        Assert.Equal("canary", await gw.Client.GetStringAsync("/"));

        using var after = JsonDocument.Parse(await gw.Admin.GetStringAsync("/runtime"));
        var canary = after.RootElement.GetProperty("entries").GetProperty("routing.canary");
        Assert.Equal("100", canary.GetProperty("final_value").GetString());
        Assert.Equal(["0", "100"], canary.GetProperty("layer_values").EnumerateArray().Select(v => v.GetString()!).ToArray());

        // An empty value removes the admin override: the static layer's value is back.
        (await gw.Admin.PostAsync("/runtime_modify?routing.canary=", null)).Dispose();
        Assert.Equal("stable", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Without_an_admin_layer_runtime_modify_is_refused_and_defaults_apply()
    {
        await using var gw = await TestGateway.StartAsync(Yaml(""));

        Assert.Equal("canary", await gw.Client.GetStringAsync("/"));
        using var modify = await gw.Admin.PostAsync("/runtime_modify?routing.canary=0", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, modify.StatusCode);
        Assert.Equal("No admin layer specified", await modify.Content.ReadAsStringAsync());
        using var report = JsonDocument.Parse(await gw.Admin.GetStringAsync("/runtime"));
        Assert.Equal(0, report.RootElement.GetProperty("layers").GetArrayLength());
    }

    [UnixFact]
    public async Task A_disk_layer_follows_a_swapped_symlink_root()
    {
        // The layout of Envoy's fault-injection example: runtime/current -> v1 | v2, keys as files under envoy/.
        var root = TestGateway.NewDirectory();
        foreach (var (version, value) in new[] { ("v1", "0"), ("v2", "100") })
        {
            Directory.CreateDirectory(Path.Combine(root, version, "envoy", "routing"));
            await File.WriteAllTextAsync(Path.Combine(root, version, "envoy", "routing", "canary"), value + "\n");
        }

        var current = Path.Combine(root, "current");
        File.CreateSymbolicLink(current, Path.Combine(root, "v1"));
        await using var gw = await TestGateway.StartAsync(Yaml($$"""
            layered_runtime:
              layers:
              - name: disk_layer_0
                disk_layer: { symlink_root: {{current}}, subdirectory: envoy }
            """));

        Assert.Equal("stable", await gw.Client.GetStringAsync("/"));

        // Point the link at v2 (Directory.Delete on a link removes the link only).
        Directory.Delete(current);
        File.CreateSymbolicLink(current, Path.Combine(root, "v2"));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string body;
        while ((body = await gw.Client.GetStringAsync("/")) != "canary" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal("canary", body);
        using var report = JsonDocument.Parse(await gw.Admin.GetStringAsync("/runtime"));
        Assert.Equal("100", report.RootElement.GetProperty("entries").GetProperty("routing.canary").GetProperty("final_value").GetString());
        Directory.Delete(root, recursive: true);
    }
}
