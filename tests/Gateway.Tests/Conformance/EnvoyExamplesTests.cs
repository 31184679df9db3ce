using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DemoUpstream;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Conformance;

/// <summary>
/// Envoy's own example configs: each loads, or is refused naming every feature this gateway does not
/// implement (Unsupported diagnostics only, each with a YAML path and line); none crashes. The ones
/// that load are also run for real, pointed at local upstreams.
/// </summary>
public sealed class EnvoyExamplesTests
{
    private static BootstrapLoadResult Load(string relative, bool ignoreUnsupported = false) =>
        BootstrapLoader.LoadFile(ConformanceExamples.PathOf(relative), new BootstrapLoadOptions(ignoreUnsupported, FilterFactories.Create(new GatewayOptions())));

    /// <summary>
    /// Per file: null when it loads as is; otherwise words the refusal must contain (each unsupported
    /// feature). Alternatives are separated by '|'.
    /// </summary>
    private static readonly Dictionary<string, string[]?> Expected = new(StringComparer.Ordinal)
    {
        ["cache/envoy.yaml"] = ["envoy.filters.http.cache"],
        ["cors/backend/envoy.yaml"] = null,
        ["double-proxy/envoy.yaml"] = null,
        ["fault-injection/envoy.yaml"] = null,
        ["front-proxy/envoy.yaml"] = null,
        ["front-proxy/service-envoy.yaml"] = null,
        ["grpc-bridge/client/envoy-proxy.yaml"] = ["envoy.filters.http.grpc_http1_bridge"],
        ["gzip/envoy.yaml"] = null,
        ["local_ratelimit/envoy.yaml"] = null,
        ["route-mirror/envoy.yaml"] = null,
        ["tls/envoy-https-http.yaml"] = null,
        // Its wasm plugin is not one a native filter serves: refused naming the plugin and the way out.
        ["wasm-cc/envoy.yaml"] = ["my_plugin", "--native-plugin", "http_filters"],
        ["websocket/envoy-ws-route.yaml"] = null,
    };

    /// <summary>Examples whose wasm plugin is refused by name (an error: no native filter serves it).</summary>
    private static readonly Dictionary<string, string> WasmPluginNames = new(StringComparer.Ordinal)
    {
        ["wasm-cc/envoy.yaml"] = "my_plugin",
    };

    [ConformanceTheory]
    [MemberData(nameof(ConformanceExamples.Files), MemberType = typeof(ConformanceExamples))]
    public void LoadsOrNamesEveryUnsupportedFeature(string relative)
    {
        ConfigException? refused = null;
        try
        {
            Load(relative);
        }
        catch (ConfigException e)
        {
            refused = e;
        }

        if (refused is not null)
        {
            Assert.NotEmpty(refused.Diagnostics);
            Assert.All(refused.Diagnostics, d =>
            {
                // A wasm plugin that no native filter serves cannot run at all: an error naming the plugin.
                var wasmPlugin = WasmPluginNames.TryGetValue(relative, out var plugin) && d.Message.Contains($"'{plugin}'", StringComparison.Ordinal);
                Assert.True(d.Kind == ConfigDiagnosticKind.Unsupported || wasmPlugin, $"{relative}: expected only unsupported features, got: {d}");
                Assert.False(string.IsNullOrEmpty(d.YamlPath), $"{relative}: no YAML path in: {d}");
                Assert.True(d.Line > 0, $"{relative}: no line in: {d}");
            });

            // Everything refused only for being unsupported must start with --ignore-unsupported.
            if (refused.Diagnostics.All(d => d.Kind == ConfigDiagnosticKind.Unsupported))
            {
                Load(relative, ignoreUnsupported: true);
            }
        }

        if (!Expected.TryGetValue(relative, out var words))
        {
            return;
        }

        if (words is null)
        {
            Assert.True(refused is null, $"{relative} should load: {refused?.Message}");
            return;
        }

        Assert.True(refused is not null, $"{relative} should be refused naming {string.Join(", ", words)}");
        foreach (var word in words)
        {
            Assert.True(word.Split('|').Any(w => refused.Message.Contains(w, StringComparison.Ordinal)), $"{relative}: refusal does not name {word}: {refused.Message}");
        }
    }

    [ConformanceFact]
    public void EveryExpectedExampleExists()
    {
        var present = ConformanceExamples.Files().Select(f => (string)f[0]).ToHashSet();
        Assert.All(Expected.Keys, k => Assert.Contains(k, present));
    }

    private static async Task<TestGateway> RunAsync(string relative, Func<string, int> clusterPort, bool ignoreUnsupported = false)
    {
        var yaml = LocalRewriter.Rewrite(await File.ReadAllTextAsync(ConformanceExamples.PathOf(relative)), clusterPort);
        return await TestGateway.StartAsync(yaml, o => o with { IgnoreUnsupported = ignoreUnsupported });
    }

    private static Task<TinyUpstream> NamedUpstreamAsync(string name) =>
        TinyUpstream.StartAsync(context => context.Response.WriteAsync($"{name} {context.Request.Path}"));

    [ConformanceFact]
    public async Task FrontProxyRoutesToBothServicesOverHttpAndHttps()
    {
        await using var service1 = await NamedUpstreamAsync("service1");
        await using var service2 = await NamedUpstreamAsync("service2");
        await using var gw = await RunAsync("front-proxy/envoy.yaml",
            cluster => cluster == "service1-envoy" ? service1.Port : service2.Port, ignoreUnsupported: true);

        Assert.Equal("service1 /service/1", await gw.Client.GetStringAsync("/service/1"));
        Assert.Equal("service2 /service/2", await gw.Client.GetStringAsync("/service/2"));
        using var other = await gw.Client.GetAsync("/other");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("", await other.Content.ReadAsStringAsync());

        // The second listener terminates TLS with the example's inline certificate (CN=front-envoy).
        string? subject = null;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    subject = certificate?.Subject;
                    return true;
                },
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{gw.PortOf("listener_1")}/") };
        Assert.Equal("service2 /service/2", await https.GetStringAsync("/service/2"));
        Assert.Equal("CN=front-envoy", subject);
    }

    [ConformanceFact]
    public async Task FrontProxyServiceEnvoyRoutesToItsService()
    {
        await using var service = await NamedUpstreamAsync("service");
        await using var gw = await RunAsync("front-proxy/service-envoy.yaml", _ => service.Port);
        using var response = await gw.Client.GetAsync("/service/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("service /service/1", await response.Content.ReadAsStringAsync());
    }

    [ConformanceFact]
    public async Task TlsExampleServesHttpsWithItsInlineCertificate()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await RunAsync("tls/envoy-https-http.yaml", _ => upstream.Port);
        using var https = TestGateway.CreateClient(gw.Port, "https");
        using var response = await https.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await UpstreamEcho.ReadAsync(response);
        Assert.Equal("https", echo.Header("x-forwarded-proto"));
    }

    [ConformanceFact]
    public async Task WebSocketExampleUpgradesOnWsAndAnswersDirectlyElsewhere()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await RunAsync("websocket/envoy-ws-route.yaml", _ => upstream.Port);

        Assert.Equal("NotWebSocket\n", await gw.Client.GetStringAsync("/"));

        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gw.Port}/ws"), deadline.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, deadline.Token);
        var buffer = new byte[64];
        var result = await socket.ReceiveAsync(buffer, deadline.Token);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, result.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
    }

    [ConformanceFact]
    public async Task DoubleProxyExampleForwards()
    {
        await using var upstream = await NamedUpstreamAsync("app");
        await using var gw = await RunAsync("double-proxy/envoy.yaml", _ => upstream.Port);
        Assert.Equal("app /anything", await gw.Client.GetStringAsync("/anything"));
    }
}
