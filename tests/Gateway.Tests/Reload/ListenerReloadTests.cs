using System.Net;
using System.Net.Sockets;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Reload;

/// <summary>Reloads that add, remove and move listeners: applied live, the unchanged listener serves throughout.</summary>
public class ListenerReloadTests
{
    [InProcessGateway("reads the host's listener table and calls its reloader")]
    [Fact]
    public async Task AddedListenerServesAndRemovedListenerIsRefused()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"), TestGateway.HotReload);
        await using var load = await UnchangedListenerLoad.StartAsync(gateway);

        await gateway.RewriteAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v2"), port: 0));
        await TestGateway.WaitUntilAsync(() => gateway.Host.ListenerPorts.ContainsKey("second"));
        var secondPort = gateway.PortOf("second");
        Assert.NotEqual(0, secondPort);
        using (var client = TestGateway.CreateClient(secondPort))
        {
            using var response = await client.GetAsync("/anything");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("second listener", await response.Content.ReadAsStringAsync());
        }

        await gateway.RewriteAsync(EnvoyYaml.Backend([upstream.Port], "v3"));
        await TestGateway.WaitUntilAsync(() => !gateway.Host.ListenerPorts.ContainsKey("second"));
        await WaitUntilRefusedAsync(secondPort);

        await load.StopAndAssertNoFailureAsync(expectVersion: "v3");
    }

    [Fact]
    public async Task MovedListenerServesOnItsNewPortAndTheOldOneIsRefused()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var firstPort = TestGateway.FreePort();
        await using var gateway = await TestGateway.StartAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v1"), firstPort), TestGateway.HotReload);
        Assert.Equal(firstPort, gateway.PortOf("second"));
        await using var load = await UnchangedListenerLoad.StartAsync(gateway);

        var movedPort = TestGateway.FreePort();
        await gateway.RewriteAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v2"), movedPort));
        await TestGateway.WaitUntilAsync(() => gateway.PortOf("second") == movedPort);
        using (var client = TestGateway.CreateClient(movedPort))
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("second listener", await response.Content.ReadAsStringAsync());
        }

        await WaitUntilRefusedAsync(firstPort);
        await load.StopAndAssertNoFailureAsync(expectVersion: "v2");
    }

    [InProcessGateway("reads the host's listener table and calls its reloader")]
    [Fact]
    public async Task CodecChangeOnTheSamePortRebindsIt()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var port = TestGateway.FreePort();
        await using var gateway = await TestGateway.StartAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v1"), port, codec: "HTTP1"));
        using var http2 = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        await Assert.ThrowsAsync<HttpRequestException>(() => http2.GetAsync("/"));

        await gateway.RewriteAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v2"), port, codec: "HTTP2"));
        var result = await gateway.Host.Reloader.ReloadAsync();
        Assert.True(result.Success, result.Message);
        Assert.Empty(result.ListenerBindFailures);
        Assert.Equal(port, gateway.PortOf("second"));
        using var response = await http2.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [InProcessGateway("reads the host's listener table and calls its reloader")]
    [Fact]
    public async Task ListenerOnAPortInUseIsReportedAndTheRestApplies()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port], "v1"));
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        await gateway.RewriteAsync(WithSecondListener(EnvoyYaml.Backend([upstream.Port], "v2"), port));
        var result = await gateway.Host.Reloader.ReloadAsync();
        Assert.True(result.Success, result.Message);
        Assert.Contains(result.ListenerBindFailures, f => f.Contains("'second'") && f.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(gateway.Host.ListenerPorts.ContainsKey("second"));
        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal("v2", response.Headers.GetValues("x-config-version").Single());
    }

    /// <summary>Adds listener <c>second</c> (127.0.0.1:<paramref name="port"/>, direct response "second listener") before the clusters.</summary>
    private static string WithSecondListener(string yaml, int port, string codec = "AUTO")
    {
        var listener = $$"""
              - name: second
                address:
                  socket_address: { address: 127.0.0.1, port_value: {{port}} }
                filter_chains:
                - filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: second_http
                      codec_type: {{codec}}
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                      route_config:
                        virtual_hosts:
                        - name: second
                          domains: ["*"]
                          routes:
                          - match: { prefix: "/" }
                            direct_response: { status: 200, body: { inline_string: "second listener" } }

            """;
        var at = yaml.IndexOf("\n  clusters:\n", StringComparison.Ordinal);
        return yaml[..(at + 1)] + listener + yaml[(at + 1)..];
    }

    private static async Task WaitUntilRefusedAsync(int port)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }

            Assert.True(Environment.TickCount64 < deadline, $"127.0.0.1:{port} still accepts connections");
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// GETs on the first listener in a loop (4 at a time) for the whole test: none may fail. They run before the
    /// reload (StartAsync waits for 10) and after it (the stop waits for the new config's version).
    /// </summary>
    private sealed class UnchangedListenerLoad : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _failures = [];
        private readonly Task[] _loops;
        private string _lastVersion = "";
        private int _total;

        private UnchangedListenerLoad(TestGateway gateway)
        {
            _loops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await gateway.Client.GetAsync("/get");
                        Interlocked.Increment(ref _total);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }

                        Volatile.Write(ref _lastVersion, response.Headers.GetValues("x-config-version").Single());
                    }
                    catch (HttpRequestException e)
                    {
                        Fail(e.Message);
                    }
                }
            })).ToArray();
        }

        /// <summary>Starts the loops and returns once they have been served, so the load spans the reload that follows.</summary>
        public static async Task<UnchangedListenerLoad> StartAsync(TestGateway gateway)
        {
            var load = new UnchangedListenerLoad(gateway);
            try
            {
                await TestGateway.WaitUntilAsync(() => Volatile.Read(ref load._total) >= 10);
            }
            catch
            {
                await load.DisposeAsync();
                throw;
            }

            return load;
        }

        private void Fail(string what)
        {
            lock (_failures)
            {
                _failures.Add(what);
            }
        }

        public async Task StopAndAssertNoFailureAsync(string expectVersion)
        {
            await TestGateway.WaitUntilAsync(() => Volatile.Read(ref _lastVersion) == expectVersion);
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            Assert.Empty(_failures);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            _stop.Dispose();
        }
    }
}
