using System.Net;
using System.Net.Sockets;
using Gateway.Cli;
using Gateway.Hosting;
using Serilog.Events;

namespace Gateway.Tests.Support;

/// <summary>
/// A gateway running in-process for one test: writes the YAML to a temp file (listeners and admin
/// should use 127.0.0.1 port 0, see <see cref="EnvoyYaml"/>), starts <see cref="GatewayHost"/>, and
/// exposes the bound ports plus an <see cref="HttpClient"/> aimed at the first listener (no redirects
/// followed, no cookies, no proxy). Dispose it to stop the host and delete the file.
/// <code>
/// await using var upstream = await DemoUpstreamServer.StartAsync();
/// await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(..., EnvoyYaml.StaticCluster("demo", upstream.Port)));
/// var response = await gw.Client.GetAsync("/get");
/// </code>
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly string _directory;

    private TestGateway(GatewayHost host, string directory, string configPath)
    {
        Host = host;
        _directory = directory;
        ConfigPath = configPath;
        Port = host.ListenerPorts.Values.First();
        AdminPort = host.AdminPort ?? 0;
        Client = CreateClient(Port);
    }

    public GatewayHost Host { get; }

    /// <summary>The temp file the config was written to.</summary>
    public string ConfigPath { get; }

    /// <summary>Bound port of the first listener.</summary>
    public int Port { get; }

    public int AdminPort { get; }

    /// <summary>Client with BaseAddress http://127.0.0.1:{Port}/; does not follow redirects.</summary>
    public HttpClient Client { get; }

    /// <summary>Bound port of the listener called <paramref name="name"/>.</summary>
    public int PortOf(string name) => Host.ListenerPorts[name];

    /// <summary>Starts a gateway on <paramref name="yaml"/>. <paramref name="configure"/> may adjust the options (ConfigPath is set already).</summary>
    public static async Task<TestGateway> StartAsync(string yaml, Func<GatewayOptions, GatewayOptions>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-test-").FullName;
        var path = Path.Combine(directory, "envoy.yaml");
        await File.WriteAllTextAsync(path, yaml);
        var options = new GatewayOptions
        {
            ConfigPath = path,
            DisableHotReload = true,
            // Keep test output readable; tests assert on behaviour, not on log lines.
            LogLevel = LogEventLevel.Warning,
        };
        options = configure?.Invoke(options) ?? options;
        try
        {
            var host = await GatewayHost.StartAsync(options);
            return new TestGateway(host, directory, path);
        }
        catch
        {
            TryDelete(directory);
            throw;
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

    /// <summary>A port nothing listens on: bound, then released (for connection-failure tests).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await Host.DisposeAsync();
        }
        finally
        {
            TryDelete(_directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
