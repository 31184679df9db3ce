using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>The gateway's command line as Envoy users call it, run as a real process.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        File.WriteAllText(Path.Combine(_directory, name), text);
        return name;
    }

    /// <summary>A socket listening on 127.0.0.1 (ephemeral port), so nothing else can bind that port while it is held.</summary>
    private static Socket ListeningSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>Writes a config whose listener and admin are both on 127.0.0.1:<paramref name="port"/>, answering 200 directly.</summary>
    private void WriteConfigOnPort(string name, int port) =>
        Write(name, EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              direct_response: { status: 200 }
            """).Replace("port_value: 0", $"port_value: {port}"));

    [Fact]
    public async Task ValidateGoodConfigPrintsOkWithoutOpeningPorts()
    {
        // Hold a port and point both the listener and admin at it: validate must not try to bind it.
        using var held = ListeningSocket();
        WriteConfigOnPort("good.yaml", Port(held));

        var result = await GatewayProcess.RunAsync(_directory, null, "--mode", "validate", "-c", "good.yaml");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("configuration 'good.yaml' OK", result.StdOut);

        var longForm = await GatewayProcess.RunAsync(_directory, null, "--mode=validate", "--config-path", "good.yaml", "--concurrency", "2", "--log-level", "debug", "--component-log-level", "upstream:debug,router:trace");
        Assert.Equal(0, longForm.ExitCode);
        Assert.Contains("configuration 'good.yaml' OK", longForm.StdOut);
    }

    [Fact]
    public async Task ValidateBadConfigNamesFileLineAndPathWithoutStackTrace()
    {
        Write("bad.yaml", """
            static_resources:
              clusters:
              - name: a
                type: STATIC
                hosts: [{ socket_address: { address: 127.0.0.1, port_value: 80 } }]
            """);
        var result = await GatewayProcess.RunAsync(_directory, null, "--mode", "validate", "-c", "bad.yaml");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.yaml:5:5", result.StdErr);
        Assert.Contains("static_resources.clusters[0].hosts", result.StdErr);
        Assert.Contains("has unknown fields", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
        Assert.DoesNotContain("OK", result.StdOut);
    }

    [Fact]
    public async Task ServeWithBadConfigExitsOneWithoutStackTrace()
    {
        Write("syntax.yaml", "static_resources:\n  clusters: [\n");
        var result = await GatewayProcess.RunAsync(_directory, null, "-c", "syntax.yaml");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("syntax.yaml:", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
    }

    [Fact]
    public async Task ServeOnAPortInUseIsOneClearLineWithoutStackTrace()
    {
        using var held = ListeningSocket();
        var port = Port(held);
        WriteConfigOnPort("busy.yaml", port);

        var result = await GatewayProcess.RunAsync(_directory, TimeSpan.FromSeconds(30), "-c", "busy.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot bind a listener", result.StdErr);
        Assert.Contains($"{port}", result.StdErr);
        Assert.Contains("busy.yaml", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
    }

    [Fact]
    public async Task MissingFileIsAClearError()
    {
        var result = await GatewayProcess.RunAsync(_directory, null, "--mode", "validate", "-c", "absent.yaml");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("absent.yaml", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
    }

    [Fact]
    public async Task UnknownFlagIsAnErrorWithUsage()
    {
        var result = await GatewayProcess.RunAsync(_directory, null, "--no-such-flag");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--no-such-flag", result.StdErr);
        Assert.Contains("usage:", result.StdErr);
    }

    [Fact]
    public async Task UnknownNativePluginIsAUsageErrorNotACrash()
    {
        var result = await GatewayProcess.RunAsync(_directory, null, "--mode", "validate", "--native-plugin", "wasmdemo=rate-limit");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'rate-limit' is not a native plugin", result.StdErr);
        Assert.Contains("--native-plugin wasmdemo=http-call", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
    }
}
