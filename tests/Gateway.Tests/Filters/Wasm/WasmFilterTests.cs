using System.Net;
using System.Text;
using System.Text.Json;
using DemoUpstream;
using Gateway.Clusters.Configuration;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Wasm;

/// <summary>Real plugins, built from plugins/*.c, run by the gateway over loopback sockets.</summary>
public sealed class WasmFilterTests : IAsyncLifetime
{
    private DemoUpstreamHandle _upstream = null!;

    public async Task InitializeAsync() => _upstream = await DemoUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private Task<TestGateway> StartAsync(string configuration, string extra = "", string? file = null, string extraClusters = "") =>
        TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, WasmYaml.Filter(file ?? WasmPlugins.C("test_plugin"), configuration, extra: extra), extraClusters));

    private static async Task<(JsonElement Headers, string Data, HttpResponseMessage Response, string Body)> EchoAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        // The plugin appends "[wasm]" to every response body.
        Assert.EndsWith("[wasm]", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body[..^"[wasm]".Length]);
        var root = json.RootElement.Clone();
        return (root.GetProperty("headers"), root.TryGetProperty("data", out var data) ? data.GetString() ?? "" : "", response, body);
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } p
            ? p.Value.ValueKind == JsonValueKind.Array ? p.Value[0].GetString() : p.Value.GetString()
            : null;

    [WasmFact]
    public async Task Plugin_changes_request_and_response_headers_and_reads_properties()
    {
        await using var gateway = await StartAsync("one");
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything/x?q=1");
        request.Headers.Add("x-properties", "1");
        request.Headers.Add("x-remove-me", "gone");

        var (headers, _, response, _) = await EchoAsync(gateway.Client, request);

        Assert.Equal("one", Header(headers, "x-wasm-config"));
        Assert.Equal("/anything/x?q=1", Header(headers, "x-wasm-saw-path"));
        Assert.Null(Header(headers, "x-remove-me"));
        Assert.Equal("/anything/x?q=1", Header(headers, "x-prop-path"));
        Assert.Equal("GET", Header(headers, "x-prop-method"));
        Assert.Equal("demo", Header(headers, "x-prop-cluster"));
        Assert.Equal("demo", Header(headers, "x-prop-cluster-old"));
        Assert.Equal("main_route", Header(headers, "x-prop-route"));
        Assert.Equal("test-plugin", Header(headers, "x-prop-plugin"));
        Assert.Equal("test_root", Header(headers, "x-prop-root"));
        Assert.StartsWith("127.0.0.1:", Header(headers, "x-prop-source"));
        Assert.Equal(gateway.Port.ToString(), Header(headers, "x-prop-port"));
        // gRPC is not offered: Unimplemented (12), and the plugin goes on.
        Assert.Equal("12", Header(headers, "x-grpc-status"));
        Assert.Equal("1", response.Headers.GetValues("x-wasm-response").Single());
    }

    [WasmFact]
    public async Task Plugin_rewrites_the_request_body_and_appends_to_the_response_body()
    {
        await using var gateway = await StartAsync("body");

        var (_, data, _, body) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Post, "/anything") { Content = new StringContent("hello body") });

        Assert.Equal("HELLO BODY+wasm", data);
        Assert.EndsWith("}\n[wasm]", body, StringComparison.Ordinal);
    }

    [WasmFact]
    public async Task Local_reply_from_the_plugin_never_reaches_the_upstream()
    {
        await using var gateway = await StartAsync("local");
        var before = _upstream.RequestCount;
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-local-reply", "1");

        var response = await gateway.Client.SendAsync(request);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("x-wasm-local").Single());
        Assert.StartsWith("local reply from wasm", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, _upstream.RequestCount);
    }

    [WasmFact]
    public async Task Callout_goes_through_the_cluster_and_its_answer_reaches_the_plugin()
    {
        await using var gateway = await StartAsync("callout");
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-callout", "demo");

        var (headers, _, _, _) = await EchoAsync(gateway.Client, request);

        Assert.Equal("200", Header(headers, "x-callout-status"));
        Assert.Equal("ping", Header(headers, "x-callout-body"));
        var stats = await gateway.StatsAsync();
        Assert.Equal(2, stats["cluster.demo.upstream_rq_total"]);
    }

    [WasmFact]
    public async Task Callout_answer_can_deny_the_request_with_a_local_reply()
    {
        await using var gateway = await StartAsync("deny");
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-callout", "demo");
        request.Headers.Add("x-callout-path", "/status/403");

        var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("denied by callout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [WasmFact]
    public async Task Callout_gets_bad_argument_for_an_unknown_cluster_a_negative_timeout_or_a_missing_path()
    {
        await using var gateway = await StartAsync("bad");
        foreach (var (name, value, cluster) in new[] { ("x-unused", "1", "no-such-cluster"), ("x-callout-timeout", "-1", "demo"), ("x-callout-no-path", "1", "demo") })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
            request.Headers.Add("x-callout", cluster);
            request.Headers.Add(name, value);

            var (headers, _, _, _) = await EchoAsync(gateway.Client, request);

            Assert.Equal("2", Header(headers, "x-callout-error"));
            Assert.Null(Header(headers, "x-callout-status"));
        }
    }

    [WasmFact]
    public async Task Metrics_are_shared_by_the_instances_and_shown_as_wasmcustom_stats()
    {
        await using var gateway = await StartAsync("metrics");
        for (var i = 0; i < 5; i++)
        {
            await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(5, stats["wasmcustom.test_requests_total"]);
        var prometheus = await gateway.Admin.GetStringAsync("/stats/prometheus");
        // Envoy shows wasm metrics in their own namespace: no envoy_ prefix, no wasmcustom.
        Assert.Contains("# TYPE test_requests_total counter\ntest_requests_total 5\n", prometheus, StringComparison.Ordinal);
    }

    [WasmFact]
    public async Task Ticks_run_on_the_root_context()
    {
        await using var gateway = await StartAsync("tick");

        await TestGateway.WaitUntilAsync(async () => (await gateway.StatsAsync()).GetValueOrDefault("wasmcustom.test_ticks_total") >= 3);

        // Each tick adds one to shared data (compare-and-swap); a request's context reads it back.
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-shared", "1");
        var (headers, _, _, _) = await EchoAsync(gateway.Client, request);
        Assert.True(int.Parse(Header(headers, "x-shared-ticks")!) >= 3, Header(headers, "x-shared-ticks"));
    }

    [WasmFact]
    public async Task Higress_abi_marker_is_accepted_and_unknown_host_calls_return_unimplemented()
    {
        await using var gateway = await StartAsync("higress", file: WasmPlugins.C("abi_0_2_100"));

        var (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));

        Assert.Equal("higress", Header(headers, "x-wasm-config"));
        Assert.Equal("12", Header(headers, "x-extra-status"));
    }

    [WasmFact]
    public async Task Trap_fails_closed_with_503_and_the_failed_vm_is_not_used_again()
    {
        await using var gateway = await StartAsync("closed");
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-trap", "1");

        var trapped = await gateway.Client.SendAsync(request);
        var after = await gateway.Client.GetAsync("/anything");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, trapped.StatusCode);
        // FAIL_CLOSED: the VM is not recreated, so the next request is refused too (as Envoy does).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
    }

    [WasmFact]
    public async Task Trap_with_fail_open_lets_requests_go_on_without_the_plugin()
    {
        await using var gateway = await StartAsync("open", extra: "fail_open: true");
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-trap", "1");

        var trapped = await gateway.Client.SendAsync(request);
        var after = await gateway.Client.GetAsync("/anything");

        Assert.Equal(HttpStatusCode.OK, trapped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var body = await after.Content.ReadAsStringAsync();
        Assert.DoesNotContain("X-Wasm-Config", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("[wasm]", body, StringComparison.Ordinal);
    }

    [WasmFact]
    public async Task Runaway_plugin_is_cut_at_its_cpu_deadline_and_fail_reload_brings_a_fresh_vm()
    {
        await using var gateway = await StartAsync("reload", extra: """
            failure_policy: FAIL_RELOAD
            reload_config: { backoff: { base_interval: 0.2s } }
            """);
        var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Add("x-spin", "1");

        var spun = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, spun.StatusCode);
        await TestGateway.WaitUntilAsync(async () => (await gateway.Client.GetAsync("/anything")).StatusCode == HttpStatusCode.OK);
        var (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));
        Assert.Equal("reload", Header(headers, "x-wasm-config"));
    }

    [WasmFact]
    public async Task Reload_swaps_the_plugin_and_a_broken_one_keeps_the_last_good_config()
    {
        await using var gateway = await StartAsync("first");
        var (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));
        Assert.Equal("first", Header(headers, "x-wasm-config"));

        await gateway.RewriteAsync(WasmYaml.Gateway(_upstream.Port, WasmYaml.Filter(WasmPlugins.C("test_plugin"), "second")));
        Assert.True((await gateway.Admin.PostAsync("/reload", null)).IsSuccessStatusCode);
        (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));
        Assert.Equal("second", Header(headers, "x-wasm-config"));

        await gateway.RewriteAsync(WasmYaml.Gateway(_upstream.Port, WasmYaml.Filter(WasmPlugins.C("test_plugin"), "refuse")));
        var refused = await gateway.Admin.PostAsync("/reload", null);
        Assert.False(refused.IsSuccessStatusCode);
        Assert.Contains("refused its configuration", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));
        Assert.Equal("second", Header(headers, "x-wasm-config"));
    }

    [Fact]
    public async Task Missing_wasm_file_is_a_config_error_naming_file_and_plugin()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "auth.wasm");

        var error = await Assert.ThrowsAsync<ConfigException>(() =>
            TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, WasmYaml.Filter(missing, "{}", pluginName: "auth-plugin"))));

        Assert.Contains("auth-plugin", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_wasm_file_is_a_config_error()
    {
        var directory = TestGateway.NewDirectory();
        var file = Path.Combine(directory, "broken.wasm");
        await File.WriteAllBytesAsync(file, [0, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0, 0xff, 0xff]);

        var error = await Assert.ThrowsAsync<ConfigException>(() =>
            TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, WasmYaml.Filter(file, "{}", pluginName: "broken-plugin"))));

        Assert.Contains("broken-plugin", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a valid WebAssembly module", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_code_is_refused_by_name()
    {
        var filter = """
            - name: wasmdemo
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                config:
                  name: remote-plugin
                  vm_config:
                    code:
                      remote:
                        http_uri: { uri: "https://example.com/plugin.wasm", cluster: demo, timeout: 5s }
                        sha256: abc
            """;

        var error = await Assert.ThrowsAsync<ConfigException>(() => TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, filter)));

        Assert.Contains("vm_config.code.remote", error.Message, StringComparison.Ordinal);
        Assert.Contains("remote-plugin", error.Message, StringComparison.Ordinal);
    }

    [WasmFact]
    public async Task Inline_bytes_run_like_a_file()
    {
        var bytes = Convert.ToBase64String(await File.ReadAllBytesAsync(WasmPlugins.C("test_plugin")));
        var filter = $"""
            - name: wasmdemo
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                config:
                  name: inline-plugin
                  vm_config:
                    code:
                      local:
                        inline_bytes: "{bytes}"
                  configuration:
                    "@type": type.googleapis.com/google.protobuf.StringValue
                    value: inline
            """;
        await using var gateway = await TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, filter));

        var (headers, _, _, _) = await EchoAsync(gateway.Client, new HttpRequestMessage(HttpMethod.Get, "/anything"));

        Assert.Equal("inline", Header(headers, "x-wasm-config"));
    }

    [AssemblyScriptFact]
    public async Task AssemblyScript_plugin_runs_on_the_legacy_wasi_namespace()
    {
        await using var gateway = await TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port,
            WasmYaml.Filter(WasmPlugins.AssemblyScript(), "from-config", pluginName: "as-plugin", rootId: "add_header")));

        var response = await gateway.Client.GetAsync("/get");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-config", response.Headers.GetValues("hello").Single());
    }

    [Fact]
    public async Task Http_call_plugin_without_its_wasm_file_is_served_natively()
    {
        var filter = WasmYaml.Filter("/etc/envoy/no-such-main.wasm", $$"""{"service_name": "127.0.0.1", "port": {{_upstream.Port}}, "path": "/echo/post"}""",
            pluginName: "http-call", rootId: "");
        await using var gateway = await TestGateway.StartAsync(WasmYaml.Gateway(_upstream.Port, filter, EnvoyYaml.StaticCluster($"outbound|{_upstream.Port}||127.0.0.1.static", _upstream.Port)));

        var response = await gateway.Client.GetAsync("/get");

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("{\"message\": \"hello\"}", Header(json.RootElement.GetProperty("headers"), "X-External-Response"));
    }
}
