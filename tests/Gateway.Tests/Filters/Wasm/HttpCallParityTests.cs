using System.Text.Json;
using System.Text.RegularExpressions;
using DemoUpstream;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Filters.Wasm;
using Gateway.Hosting;
using Gateway.Tests.HttpCall;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Filters.Wasm;

/// <summary>
/// The C http-call plugin (plugins/http_call.c, written like the seed's Go plugin) and the native
/// http-call filter, for the same envoy.yaml: one runs when the .wasm file exists, the other when it does
/// not. The upstream must get the same X-External-Response, and the plugin log must read the same.
/// </summary>
public sealed partial class HttpCallParityTests : IAsyncLifetime
{
    private DemoUpstreamHandle _upstream = null!;

    public async Task InitializeAsync() => _upstream = await DemoUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private string Yaml(string file) => WasmYaml.Gateway(
        _upstream.Port,
        WasmYaml.Filter(file, $$"""{"service_name": "127.0.0.1", "port": {{_upstream.Port}}, "path": "/echo/post", "body": "{\"message\": \"hello from wasm\"}"}""",
            pluginName: "http-call", rootId: ""),
        EnvoyYaml.StaticCluster($"outbound|{_upstream.Port}||127.0.0.1.static", _upstream.Port));

    [WasmFact]
    public async Task Wasm_plugin_and_native_filter_give_the_upstream_the_same_header_and_write_the_same_log()
    {
        var wasmFile = WasmPlugins.C("http_call");
        var absent = Path.Combine(Path.GetTempPath(), "absent-" + Guid.NewGuid().ToString("N"), "main.wasm");

        var fromWasm = await UpstreamHeaderAsync(wasmFile);
        var fromNative = await UpstreamHeaderAsync(absent);

        Assert.Equal("{\"message\": \"hello from wasm\"}", fromWasm);
        Assert.Equal(fromNative, fromWasm);

        var (wasmFilter, wasmLog) = await RunFilterAsync(wasmFile);
        var (nativeFilter, nativeLog) = await RunFilterAsync(absent);
        Assert.IsType<WasmFilter>(wasmFilter);
        Assert.IsType<Gateway.Filters.HttpCall.HttpCallFilter>(nativeFilter);
        Assert.Equal(3, nativeLog.Length);
        Assert.Equal(nativeLog, wasmLog);
    }

    private async Task<string?> UpstreamHeaderAsync(string file)
    {
        await using var gateway = await TestGateway.StartAsync(Yaml(file));
        using var echo = JsonDocument.Parse(await gateway.Client.GetStringAsync("/get"));
        return echo.RootElement.GetProperty("headers").EnumerateObject()
            .FirstOrDefault(p => p.Name.Equals("X-External-Response", StringComparison.OrdinalIgnoreCase)).Value.GetString();
    }

    /// <summary>Loads the config as the gateway does and runs the filter on one request; returns its wasm log lines, normalized.</summary>
    private async Task<(IHttpFilter Filter, string[] Log)> RunFilterAsync(string file)
    {
        var factories = FilterFactories.Create(new Gateway.Cli.GatewayOptions());
        var loaded = GatewayConfigLoader.Load(Yaml(file), "parity.yaml", new BootstrapLoadOptions(false, factories));
        var config = loaded.Config.Listeners[0].Http.HttpFilters[0];
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).BuildServiceProvider();
        var factory = factories.OfType<WasmFilterFactory>().Single();
        var filter = factory.Create(config, services)!;
        using var table = new ClusterTable(loaded.Config.Clusters);
        var context = HttpCallTestSupport.Context(table, requestId: "req-7");

        Assert.True(await filter.OnRequestAsync(context));
        Assert.Equal("{\"message\": \"hello from wasm\"}", HttpCallTestSupport.Header(context));

        // Envoy writes a plugin's lines as "wasm log <plugin> <root_id> <vm_id>: <line>"; the native filter
        // writes the line alone. Call ids are random UUIDs.
        var lines = logs.Entries
            .Where(e => e.Category == "wasm" && e.Message.Contains("[http-call]", StringComparison.Ordinal))
            .Select(e => $"{e.Level} {CallId().Replace(EnvoyPrefix().Replace(e.Message, ""), "id: <uuid>,")}")
            .ToArray();
        return (filter, lines);
    }

    [GeneratedRegex(@"id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12},")]
    private static partial Regex CallId();

    [GeneratedRegex(@"^wasm log http-call: ")]
    private static partial Regex EnvoyPrefix();
}
