using System.Text;
using System.Text.Json;
using Gateway.Cli;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Launch;

/// <summary>
/// The gateway binary runs Envoy's threading model: --concurrency event loops (one per core by default), each running
/// its connections' requests inline; DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 in the environment restores the
/// thread-pool dispatch. Seen from outside: the runtime's ".NET Sockets" threads, /server_info and server.concurrency.
/// </summary>
public sealed class EventLoopTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-loops-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<TinyUpstream> StartUpstreamAsync() => TinyUpstream.StartAsync(async context =>
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} {body.Length}");
    });

    private async Task<ServingProcess> StartAsync(int upstreamPort, IReadOnlyDictionary<string, string> environment, params string[] flags)
    {
        File.WriteAllText(Path.Combine(_directory, "envoy.yaml"), EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: upstream }
            """, EnvoyYaml.StaticCluster("upstream", upstreamPort)));
        return await ServingProcess.StartAsync(_directory, p => ServingProcess.AdminLineIn(p.StdErr), environment, ["-c", "envoy.yaml", .. flags]);
    }

    private static async Task<(int Concurrency, long Gauge, int ListenerPort)> ReadAdminAsync(ServingProcess gateway)
    {
        using var admin = TestGateway.CreateClient(gateway.AdminPort);
        using var info = JsonDocument.Parse(await admin.GetStringAsync("/server_info"));
        var stats = TestGateway.ParseStats(await admin.GetStringAsync("/stats"));
        var ports = await GatewayBinaryProcess.ReadListenerPortsAsync(gateway.AdminPort);
        return (info.RootElement.GetProperty("command_line_options").GetProperty("concurrency").GetInt32(), stats["server.concurrency"], ports["listener_0"]);
    }

    private static async Task AssertProxiesAsync(int port)
    {
        using var client = TestGateway.CreateClient(port);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("GET /a 0", await client.GetStringAsync($"/a?{i}"));
            using var post = await client.PostAsync("/b", new StringContent(new string('x', 100_000)));
            Assert.Equal("POST /b 100000", await post.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Concurrency_is_the_number_of_event_loops_and_shows_in_server_info_and_stats()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await StartAsync(upstream.Port, new Dictionary<string, string>(), "--concurrency", "3");
        var (concurrency, gauge, port) = await ReadAdminAsync(gateway);
        Assert.Equal(3, concurrency);
        Assert.Equal(3, gauge);
        await AssertProxiesAsync(port);
        Assert.Equal(3, gateway.ThreadNames().Count(n => n == ".NET Sockets"));
        Assert.Equal(0, await gateway.QuitAsync());
    }

    [Fact]
    public async Task The_environment_can_restore_the_thread_pool_dispatch()
    {
        await using var upstream = await StartUpstreamAsync();
        var threadPool = new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0" };
        await using var gateway = await StartAsync(upstream.Port, threadPool);
        var (concurrency, _, port) = await ReadAdminAsync(gateway);
        Assert.Equal(Environment.ProcessorCount, concurrency);
        await AssertProxiesAsync(port);
        // The runtime's own default without inline completions: one epoll thread up to 30 cores.
        Assert.Equal(Math.Max(1, (int)Math.Round(Environment.ProcessorCount / 30.0)), gateway.ThreadNames().Count(n => n == ".NET Sockets"));
        Assert.Equal(0, await gateway.QuitAsync());
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("0", 1)] // Envoy runs max(1, N) workers
    public void Concurrency_flag_takes_a_number(string value, int expected)
    {
        Assert.True(CommandLineParser.TryParse(["--concurrency", value], out var options, out var error), error);
        Assert.Equal(expected, options.Concurrency);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void Concurrency_flag_refuses_what_is_not_a_count(string value)
    {
        Assert.False(CommandLineParser.TryParse(["--concurrency", value], out _, out var error));
        Assert.Contains("--concurrency needs a number of event loops", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_suite_runs_the_in_process_gateways_on_inline_event_loops_as_the_binary_does()
    {
        // gateway.runsettings: without it every in-process test would run the thread-pool mode the binary does not ship.
        Assert.True(Gateway.Hosting.EventLoops.Inline, "the test host lacks DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (tests/Gateway.Tests/gateway.runsettings)");
    }
}
