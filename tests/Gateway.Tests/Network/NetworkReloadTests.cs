using System.Net.Sockets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Network;

/// <summary>A reload changes a tcp_proxy chain's cluster in place: same socket, the open connection untouched, new ones to the new cluster.</summary>
public sealed class NetworkReloadTests
{
    private static string Yaml(int port, string cluster, int portA, int portB) => NetworkYaml.Listener(
        $"""
        filter_chains:
        - filters:
        {EnvoyYaml.Indent(NetworkYaml.TcpProxy(cluster), 2)}
        """,
        EnvoyYaml.StaticCluster("a", portA) + EnvoyYaml.StaticCluster("b", portB)).Replace("port_value: 0 }\n    filter_chains", $"port_value: {port} }}\n    filter_chains");

    [InProcessGateway("calls the reloader directly (Host.Reloader)")]
    [Fact]
    public async Task A_reload_sends_new_connections_to_the_new_cluster_while_an_open_one_keeps_its_upstream()
    {
        await using var a = TcpTestUpstream.Echo("a\n");
        await using var b = TcpTestUpstream.Echo("b\n");
        var port = TestGateway.FreePort();
        await using var gw = await TestGateway.StartAsync(Yaml(port, "a", a.Port, b.Port));
        Assert.Equal(port, gw.Port);

        using var open = await TcpClientHelpers.ConnectAsync(port);
        await using var openStream = new NetworkStream(open, ownsSocket: false);
        Assert.Equal("a", await TcpClientHelpers.ReadLineAsync(openStream));

        await File.WriteAllTextAsync(gw.ConfigPath, Yaml(port, "b", a.Port, b.Port));
        var result = await gw.Host.Reloader.ReloadAsync();
        Assert.True(result.Success, result.Message);
        Assert.Empty(result.ListenerBindFailures);

        using (var fresh = await TcpClientHelpers.ConnectAsync(port))
        {
            await using var freshStream = new NetworkStream(fresh, ownsSocket: false);
            Assert.Equal("b", await TcpClientHelpers.ReadLineAsync(freshStream));
        }

        // The connection opened before the reload still reaches cluster a.
        await openStream.WriteAsync("still\n"u8.ToArray());
        Assert.Equal("still", await TcpClientHelpers.ReadLineAsync(openStream));
        Assert.Equal(1, a.Connections);
    }
}
