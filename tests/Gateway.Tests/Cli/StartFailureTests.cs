using System.Net;
using System.Net.Sockets;
using Gateway.Hosting;
using Gateway.Tests.Support;

namespace Gateway.Tests.Launch;

/// <summary>Start failures that are the user's to fix: one line naming what and where and the fix, exit 1, no stack trace.</summary>
public sealed class StartFailureTests : IDisposable
{
    // TEST-NET-3 (RFC 5737): never assigned to a host, so binding it fails with "cannot assign".
    private const string NotOnThisHost = "203.0.113.77";

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-start-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config() => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          direct_response: { status: 200 }
        """);

    [Fact]
    public async Task A_listener_on_an_address_the_host_does_not_have_is_one_line_naming_it_and_the_fix()
    {
        var yaml = Config();
        var at = yaml.IndexOf("listeners:", StringComparison.Ordinal);
        yaml = yaml[..at] + yaml[at..].Replace("address: 127.0.0.1, port_value: 0", $"address: {NotOnThisHost}, port_value: 10000");
        File.WriteAllText(Path.Combine(_directory, "elsewhere.yaml"), yaml);

        var result = await GatewayProcess.RunAsync(_directory, TimeSpan.FromSeconds(60), "-c", "elsewhere.yaml");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("cannot bind a listener: listener 'listener_0'", line);
        Assert.Contains($"{NotOnThisHost}:10000", line);
        Assert.Contains("is not an address of this host", line);
        Assert.Contains("use 0.0.0.0", line);
        Assert.Contains("elsewhere.yaml", line);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
        Assert.DoesNotContain("Unhandled exception", result.StdErr);
    }

    [Fact]
    public async Task An_admin_address_the_host_does_not_have_names_the_admin()
    {
        var yaml = Config();
        var at = yaml.IndexOf("listeners:", StringComparison.Ordinal);
        yaml = yaml[..at].Replace("address: 127.0.0.1, port_value: 0", $"address: {NotOnThisHost}, port_value: 9901") + yaml[at..];
        File.WriteAllText(Path.Combine(_directory, "admin.yaml"), yaml);

        var result = await GatewayProcess.RunAsync(_directory, TimeSpan.FromSeconds(60), "-c", "admin.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot bind a listener: the admin interface on {NotOnThisHost}:9901", result.StdErr);
        Assert.Contains("admin.address.socket_address", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr + result.StdOut);
    }

    [Fact]
    public void A_privileged_port_refused_to_a_non_root_user_says_how_to_allow_it()
    {
        // The test may run as root (where the bind succeeds), so the words are checked on the error itself.
        var error = new SocketException((int)SocketError.AccessDenied);
        var message = ListenerBindException.Describe("listener_0", false, new IPEndPoint(IPAddress.Any, 80), SocketError.AccessDenied, error);

        Assert.StartsWith("cannot bind a listener: listener 'listener_0' on 0.0.0.0:80: port 80 is privileged", message);
        Assert.Contains("port_value of 1024 or more", message);
        Assert.Contains("CAP_NET_BIND_SERVICE", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void The_socket_error_is_found_under_kestrels_wrapping()
    {
        var wrapped = new IOException("Failed to bind to address http://127.0.0.1:80.", new SocketException((int)SocketError.AccessDenied));
        Assert.Equal(SocketError.AccessDenied, ListenerBindException.SocketErrorOf(wrapped));
        Assert.Equal(SocketError.AddressAlreadyInUse, ListenerBindException.SocketErrorOf(new IOException("x", new Microsoft.AspNetCore.Connections.AddressInUseException("in use"))));
        Assert.Null(ListenerBindException.SocketErrorOf(new InvalidOperationException("a bug")));
    }
}
