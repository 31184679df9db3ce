using System.Net;
using System.Text.Json;
using DemoUpstream;
using Gateway.Cli;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Gateway.Tests.Admin;

/// <summary>The state-changing admin commands: health check fail/ok, reset_counters, logging, quitquitquit.</summary>
public sealed class AdminStateTests
{
    /// <summary>At info level (the gateway's default), which these tests list and change.</summary>
    private static Task<TestGateway> StartAsync(DemoUpstreamHandle upstream, Func<GatewayOptions, GatewayOptions>? configure = null) =>
        TestGateway.StartAsync(EnvoyYaml.StandardTraffic(upstream.Port, TestGateway.RefusedPort()), configure ?? TestGateway.InfoLogs);

    [Fact]
    public async Task Healthcheck_fail_drains_and_ok_restores()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream);
        var fail = await gateway.Admin.PostAsync("/healthcheck/fail", null);
        Assert.Equal(HttpStatusCode.OK, fail.StatusCode);
        Assert.Equal("OK\n", await fail.Content.ReadAsStringAsync());

        var ready = await gateway.Admin.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("DRAINING\n", await ready.Content.ReadAsStringAsync());
        using (var info = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/server_info")))
        {
            Assert.Equal("DRAINING", info.RootElement.GetProperty("state").GetString());
        }

        var stats = await gateway.StatsAsync("?filter=^server\\.");
        Assert.Equal(0, stats["server.live"]);
        Assert.Equal(1, stats["server.state"]);

        Assert.Equal("OK\n", await (await gateway.Admin.PostAsync("/healthcheck/ok", null)).Content.ReadAsStringAsync());
        Assert.Equal("LIVE\n", await gateway.Admin.GetStringAsync("/ready"));
    }

    [Fact]
    public async Task Reset_counters_zeroes_counters_and_keeps_gauges()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/get")).StatusCode);
        Assert.Equal(1, (await gateway.StatsAsync())["cluster.demo.upstream_rq_total"]);

        var reset = await gateway.Admin.PostAsync("/reset_counters", null);
        Assert.Equal("OK\n", await reset.Content.ReadAsStringAsync());

        var stats = await gateway.StatsAsync();
        Assert.Equal(0, stats["cluster.demo.upstream_rq_total"]);
        Assert.Equal(0, stats.GetValueOrDefault("cluster.demo.upstream_rq_200"));
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_total"]);
        Assert.Equal(1, stats["cluster.demo.membership_total"]);
        Assert.Equal(1, stats["server.live"]);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/get")).StatusCode);
        Assert.Equal(1, (await gateway.StatsAsync())["cluster.demo.upstream_rq_total"]);
    }

    [InProcessGateway("logs through the host's logger factory / waits for its shutdown")]
    [Fact]
    public async Task Logging_changes_component_levels_at_run_time()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream);
        var wasm = gateway.Host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("wasm");
        Assert.False(wasm.IsEnabled(LogLevel.Debug));

        var listed = await gateway.Admin.PostAsync("/logging", null);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var text = await listed.Content.ReadAsStringAsync();
        Assert.StartsWith("active loggers:\n", text);
        Assert.Contains("  wasm: info\n", text);

        var changed = await gateway.Admin.PostAsync("/logging?paths=wasm:debug,router:trace", null);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        text = await changed.Content.ReadAsStringAsync();
        Assert.Contains("  wasm: debug\n", text);
        Assert.Contains("  router: trace\n", text);
        Assert.True(wasm.IsEnabled(LogLevel.Debug));

        var all = await gateway.Admin.PostAsync("/logging?level=warning", null);
        Assert.Contains("  wasm: warning\n", await all.Content.ReadAsStringAsync());
        Assert.False(wasm.IsEnabled(LogLevel.Information));

        var bad = await gateway.Admin.PostAsync("/logging?paths=nosuch:debug", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("error: unknown logger name\n\nusage: /logging?<name>=<level>", await bad.Content.ReadAsStringAsync());
    }

    [InProcessGateway("logs through the host's logger factory / waits for its shutdown")]
    [Fact]
    public async Task Component_log_level_from_the_command_line_applies()
    {
        var componentLevels = new Dictionary<string, LogEventLevel> { ["wasm"] = LogEventLevel.Debug };
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream, options => TestGateway.InfoLogs(options) with { ComponentLogLevels = componentLevels });
        var factory = gateway.Host.Services.GetRequiredService<ILoggerFactory>();
        Assert.True(factory.CreateLogger("wasm").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("router").IsEnabled(LogLevel.Debug));
        Assert.Contains("  wasm: debug\n", await (await gateway.Admin.PostAsync("/logging", null)).Content.ReadAsStringAsync());
    }

    [InProcessGateway("logs through the host's logger factory / waits for its shutdown")]
    [Fact]
    public async Task Quitquitquit_says_ok_and_stops_the_host()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream);
        var response = await gateway.Admin.PostAsync("/quitquitquit", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK\n", await response.Content.ReadAsStringAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await gateway.Host.WaitForShutdownAsync(timeout.Token);
        Assert.False(timeout.IsCancellationRequested);
    }
}
