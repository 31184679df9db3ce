using System.Net;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Reload;

public class ConfigReloadTests
{
    /// <summary>rename(2): replaces the ..data symlink atomically (File.Move follows the link to a directory).</summary>
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code in this project; DllImport does not.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename")]
    private static extern int Rename(string from, string to);
#pragma warning restore SYSLIB1054

    [InProcessGateway("counts reloads and reads the cluster table on the host's state")]
    [Fact]
    public async Task ReloadUnderConcurrentLoadFailsNoRequest()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"), TestGateway.HotReload);
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var total = 0;
        var loops = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await gateway.Client.GetAsync("/get");
                Interlocked.Increment(ref total);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    lock (failures)
                    {
                        failures.Add($"{(int)response.StatusCode} {body}");
                    }
                }

                seen.AddOrUpdate(response.Headers.GetValues("x-config-version").Single(), 1, (_, n) => n + 1);
            }
        })).ToArray();

        for (var version = 2; version <= 6; version++)
        {
            var expected = "v" + version;
            await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], expected));
            await TestGateway.WaitUntilAsync(() => seen.ContainsKey(expected));
        }

        stop.Cancel();
        await Task.WhenAll(loops);
        Assert.Empty(failures);
        Assert.True(total > 50, $"only {total} requests");
        Assert.Equal(5, Interlocked.Read(ref gateway.Host.State.ConfigReloads));
        Assert.Equal(0, Interlocked.Read(ref gateway.Host.State.ConfigReloadFailures));
    }

    [InProcessGateway("counts reloads and reads the cluster table on the host's state")]
    [Fact]
    public async Task BadEditKeepsTheLastGoodConfigAndCountsAFailure()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"), TestGateway.HotReload);
        await gateway.RewriteAsync("static_resources:\n  clusters:\n  - name: backend\n    connect_timeout: banana\n");
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gateway.Host.State.ConfigReloadFailures) == 1);

        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", response.Headers.GetValues("x-config-version").Single());

        // POST /reload says why, with file, line and path.
        using var forced = await gateway.Admin.PostAsync("/reload", null);
        var message = await forced.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, forced.StatusCode);
        Assert.Contains("envoy.yaml:4", message);
        Assert.Contains("connect_timeout", message);
        Assert.DoesNotContain("   at ", message);
        Assert.Equal(2, Interlocked.Read(ref gateway.Host.State.ConfigReloadFailures));
        Assert.Equal(0, Interlocked.Read(ref gateway.Host.State.ConfigReloads));

        // Fixing the file applies it.
        await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v2"));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref gateway.Host.State.ConfigReloads) == 1);
        using var after = await gateway.Client.GetAsync("/get");
        Assert.Equal("v2", after.Headers.GetValues("x-config-version").Single());
    }

    [InProcessGateway("counts reloads and reads the cluster table on the host's state")]
    [Fact]
    public async Task DisabledHotReloadIgnoresEditsButPostReloadApplies()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"));
        Assert.False(gateway.Host.Reloader.IsWatching);

        // A watching gateway given the same edit at the same moment is the clock: once it has applied
        // its copy, a watcher in the other one would have fired too (instead of a fixed sleep).
        await using var watching = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"), TestGateway.HotReload);
        await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v2"));
        await watching.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v2"));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref watching.Host.State.ConfigReloads) == 1);
        using (var before = await gateway.Client.GetAsync("/get"))
        {
            Assert.Equal("v1", before.Headers.GetValues("x-config-version").Single());
        }

        Assert.Equal(0, Interlocked.Read(ref gateway.Host.State.ConfigReloads));

        using var forced = await gateway.Admin.PostAsync("/reload", null);
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal("OK\n", await forced.Content.ReadAsStringAsync());
        using var after = await gateway.Client.GetAsync("/get");
        Assert.Equal("v2", after.Headers.GetValues("x-config-version").Single());
    }

    [InProcessGateway("counts reloads and reads the cluster table on the host's state")]
    [Fact]
    public async Task UnchangedClustersKeepTheirEntryAcrossReloads()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var first));
        using (await gateway.Client.GetAsync("/get"))
        {
        }

        await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v2"));
        Assert.True((await gateway.Host.Reloader.ReloadAsync()).Success);
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var kept));
        Assert.Same(first, kept);
        Assert.Equal(1, Interlocked.Read(ref kept.Stats.UpstreamRqTotal));

        await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v2", clusterExtra: "lb_policy: RANDOM"));
        Assert.True((await gateway.Host.Reloader.ReloadAsync()).Success);
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("backend", out var rebuilt));
        Assert.NotSame(first, rebuilt);
        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [UnixFact]
    public async Task ConfigMapStyleSymlinkSwapIsPickedUp()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var root = Path.Combine(Path.GetTempPath(), "gw-cm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "..v1"));
        await File.WriteAllTextAsync(Path.Combine(root, "..v1", "envoy.yaml"), EnvoyYaml.Backend([upstream.Port], "v1"));
        File.CreateSymbolicLink(Path.Combine(root, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(root, "envoy.yaml"), "..data/envoy.yaml");
        try
        {
            await using var host = await Gateway.Hosting.GatewayHost.StartAsync(new Gateway.Cli.GatewayOptions { ConfigPath = Path.Combine(root, "envoy.yaml") });
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.ListenerPorts["listener_0"]}") };

            // What the kubelet does: write a new timestamped dir, point a temp link at it, rename over ..data.
            Directory.CreateDirectory(Path.Combine(root, "..v2"));
            await File.WriteAllTextAsync(Path.Combine(root, "..v2", "envoy.yaml"), EnvoyYaml.Backend([upstream.Port], "v2"));
            File.CreateSymbolicLink(Path.Combine(root, "..data_tmp"), "..v2");
            Assert.Equal(0, Rename(Path.Combine(root, "..data_tmp"), Path.Combine(root, "..data")));

            await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref host.State.ConfigReloads) == 1);
            using var response = await client.GetAsync("/get");
            Assert.Equal("v2", response.Headers.GetValues("x-config-version").Single());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
