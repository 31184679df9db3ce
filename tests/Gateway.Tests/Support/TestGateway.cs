using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Cli;
using Gateway.Hosting;
using Serilog.Events;

namespace Gateway.Tests.Support;

/// <summary>
/// A gateway running in-process for one test: writes the YAML to a temp file (listeners and admin
/// should use 127.0.0.1 port 0, see <see cref="EnvoyYaml"/>), starts <see cref="GatewayHost"/>, and
/// exposes the bound ports plus <see cref="HttpClient"/>s aimed at the first listener and at the admin
/// listener (no redirects followed, no cookies, no proxy). Hot reload is off unless the configure
/// callback turns it on (<see cref="HotReload"/>). Dispose it to stop the host and delete the file.
/// <code>
/// await using var upstream = await DemoUpstreamServer.StartAsync();
/// await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(..., EnvoyYaml.StaticCluster("demo", upstream.Port)));
/// var response = await gw.Client.GetAsync("/get");
/// </code>
/// With GATEWAY_TEST_BINARY=/path/to/published/Gateway (e.g. the Native AOT build) the gateway is that
/// binary, started as a process with the same config and options as flags, except for tests that need the
/// host itself (<see cref="InProcessGatewayAttribute"/>, or options only an embedding host has).
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly GatewayHost? _host;
    private readonly GatewayBinaryProcess? _process;

    private TestGateway(GatewayHost? host, GatewayBinaryProcess? process, string directory, string configPath)
    {
        _host = host;
        _process = process;
        Directory = directory;
        ConfigPath = configPath;
        Port = (host?.ListenerPorts ?? process!.ListenerPorts).Values.First();
        AdminPort = host is not null ? host.AdminPort ?? 0 : process!.AdminPort;
        Client = CreateClient(Port);
        Admin = CreateClient(AdminPort);
    }

    /// <summary>The in-process host; a test that uses it is marked <see cref="InProcessGatewayAttribute"/>, so it stays in-process under GATEWAY_TEST_BINARY.</summary>
    public GatewayHost Host => _host ?? throw new InvalidOperationException(
        "this test reaches into the in-process host but runs against GATEWAY_TEST_BINARY; mark the test (or its class) [InProcessGateway(\"why\")]");

    /// <summary>True when this gateway is the published binary run as a process (GATEWAY_TEST_BINARY).</summary>
    public bool IsProcess => _process is not null;

    /// <summary>What the binary wrote to stdout and stderr so far (empty in-process).</summary>
    public string ProcessOutput => _process?.Output ?? "";

    /// <summary>The temp directory holding the config (and files tests put there, such as access logs); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The temp file the config was written to.</summary>
    public string ConfigPath { get; }

    /// <summary>Bound port of the first listener.</summary>
    public int Port { get; }

    public int AdminPort { get; }

    /// <summary>Client with BaseAddress http://127.0.0.1:{Port}/; does not follow redirects.</summary>
    public HttpClient Client { get; }

    /// <summary>Client with BaseAddress http://127.0.0.1:{AdminPort}/.</summary>
    public HttpClient Admin { get; }

    /// <summary>Bound port of the listener called <paramref name="name"/>.</summary>
    /// <remarks>Live, as the in-process host's table: the binary's is read from its admin each time (listeners come and go with reloads).</remarks>
    public int PortOf(string name) => _process is null ? _host!.ListenerPorts[name] : _process.ReadListenerPortsAsync().GetAwaiter().GetResult()[name];

    /// <summary>
    /// Starts a gateway on <paramref name="yaml"/>. <paramref name="configure"/> may adjust the options
    /// (ConfigPath is set already). The config is written into <paramref name="directory"/> when given
    /// (from <see cref="NewDirectory"/>, for tests that name files in it before the start), else into a
    /// new temp directory; the gateway owns the directory once it has started.
    /// </summary>
    public static async Task<TestGateway> StartAsync(string yaml, Func<GatewayOptions, GatewayOptions>? configure = null, string? directory = null)
    {
        var ownsDirectory = directory is null;
        directory ??= NewDirectory();
        var path = Path.Combine(directory, "envoy.yaml");
        var options = new GatewayOptions
        {
            ConfigPath = path,
            DisableHotReload = true,
            // Keep test output readable; tests assert on behaviour, not on log lines.
            LogLevel = LogEventLevel.Warning,
        };
        options = configure?.Invoke(options) ?? options;
        // Decided before the first await, while the calling test's frames are still on the stack.
        var inProcessReason = GatewayBinaryProcess.BinaryPath is null ? null : GatewayBinaryProcess.InProcessReason(options, yaml);
        var binary = inProcessReason is null ? GatewayBinaryProcess.BinaryPath : null;
        GatewayBinaryProcess.Tally(inProcessReason);
        await File.WriteAllTextAsync(path, yaml);
        try
        {
            if (binary is not null)
            {
                GatewayBinaryProcess process;
                try
                {
                    process = await GatewayBinaryProcess.StartAsync(binary, options, directory);
                }
                catch (GatewayBinaryProcess.StartFailedException failed)
                {
                    // The binary refused to start (exit 1, one line on stderr). Tests of a failed start assert
                    // the host's exception (ConfigException with its diagnostics): the same start in-process
                    // throws it. If in-process starts where the binary did not, that is a binary-only failure.
                    await using (await GatewayHost.StartAsync(options))
                    {
                    }

                    throw new InvalidOperationException("the binary failed to start where the in-process host starts: " + failed.Message, failed);
                }

                return new TestGateway(null, process, directory, path);
            }

            var host = await GatewayHost.StartAsync(options);
            return new TestGateway(host, null, directory, path);
        }
        catch
        {
            // A directory the caller made stays, so the test can still read what was written there.
            if (ownsDirectory)
            {
                TryDelete(directory);
            }

            throw;
        }
    }

    /// <summary>For <paramref name="configure"/>: watch the config file and apply edits, as the gateway does by default.</summary>
    public static GatewayOptions HotReload(GatewayOptions options) => options with { DisableHotReload = false };

    /// <summary>For <paramref name="configure"/>: log at info, the gateway's default (what admin /logging and /server_info report).</summary>
    public static GatewayOptions InfoLogs(GatewayOptions options) => options with { LogLevel = LogEventLevel.Information };

    /// <summary>A new empty temp directory for <see cref="StartAsync"/>.</summary>
    public static string NewDirectory() => System.IO.Directory.CreateTempSubdirectory("gateway-test-").FullName;

    /// <summary>Replaces the config file atomically (write beside, then rename), as editors and ConfigMaps do.</summary>
    public async Task RewriteAsync(string yaml)
    {
        var temp = Path.Combine(Directory, ".envoy.yaml." + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(temp, yaml);
        File.Move(temp, ConfigPath, overwrite: true);
    }

    /// <summary>GET /stats on the admin listener, parsed into name → value.</summary>
    public async Task<Dictionary<string, long>> StatsAsync(string query = "")
    {
        return ParseStats(await Admin.GetStringAsync("/stats" + query));
    }

    /// <summary>The admin's /stats text (name: value lines) as name → value.</summary>
    public static Dictionary<string, long> ParseStats(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));

    /// <summary>
    /// Sends the traffic <see cref="EnvoyYaml.StandardTraffic"/> routes: a success, a 404 (no route), a
    /// connect failure, a timeout, a direct response.
    /// </summary>
    public async Task SendStandardTrafficAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/get")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/nowhere")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Client.GetAsync("/dead/x")).StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await Client.GetAsync("/delay/3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/direct")).StatusCode);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws after <paramref name="timeoutMs"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> (an admin read, a request) until it holds; throws after <paramref name="timeoutMs"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Reads a file until it has at least <paramref name="count"/> lines or 10 s passed (the writer runs in the background).</summary>
    public static async Task<string[]> WaitForLinesAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            string[] lines = [];
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }

            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>A client for 127.0.0.1:<paramref name="port"/> that does not follow redirects.</summary>
    public static HttpClient CreateClient(int port, string scheme = "http")
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"{scheme}://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    private static readonly List<Socket> ReservedPorts = new();

    /// <summary>
    /// A port that refuses connections for the whole test run: bound but never listening, and kept
    /// bound, so no test running in parallel can take it (which would turn a connect failure into a 200).
    /// </summary>
    public static int RefusedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (ReservedPorts)
        {
            ReservedPorts.Add(socket);
        }

        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A port free right now, for a test that binds it itself later (bound, then released).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        try
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            if (_process is not null)
            {
                await _process.DisposeAsync();
            }
        }
        finally
        {
            TryDelete(Directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
