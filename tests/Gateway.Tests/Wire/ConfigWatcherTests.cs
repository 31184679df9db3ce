using System.Net;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>The config watcher reacts to the config file, not to other files written beside it.</summary>
public class ConfigWatcherTests
{
    [InProcessGateway("counts reloads on the host's state")]
    [Fact]
    public async Task EditsApplyWhileAnotherFileInTheDirectoryKeepsChanging()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        // No polling: only the watcher can pick the edits up.
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"),
            o => TestGateway.HotReload(o) with { ConfigPollInterval = TimeSpan.FromHours(1) });
        using var stop = new CancellationTokenSource();
        var logPath = Path.Combine(gateway.Directory, "busy.log");
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await File.AppendAllTextAsync(logPath, "line\n");
                await Task.Delay(10);
            }
        });

        for (var version = 2; version <= 4; version++)
        {
            var expected = "v" + version;
            await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], expected));
            var applied = false;
            await TestGateway.WaitUntilAsync(async () =>
            {
                using var response = await gateway.Client.GetAsync("/get");
                applied = response.StatusCode == HttpStatusCode.OK && response.Headers.GetValues("x-config-version").Single() == expected;
                return applied;
            });
            Assert.True(applied);
        }

        stop.Cancel();
        await writer;
        Assert.Equal(3, Interlocked.Read(ref gateway.Host.State.ConfigReloads));
    }
}
