using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Launch;

/// <summary>
/// --service-cluster / --service-node (Envoy's LocalInfo): they replace node.cluster and node.id, show in
/// /server_info, and are what an HCM with add_user_agent sends as x-envoy-downstream-service-cluster/-node.
/// </summary>
public sealed class ServiceIdentityTests
{
    private static string Yaml(int upstreamPort, string node = "") => node + EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          route: { cluster: echo }
        """, EnvoyYaml.StaticCluster("echo", upstreamPort), "add_user_agent: true");

    [Fact]
    public async Task The_flags_replace_the_files_node_and_show_in_server_info()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "node: { id: file-node, cluster: file-cluster }\n"),
            o => o with { ServiceCluster = "front", ServiceNode = "front-1", ServiceZone = "z1" });
        using var info = JsonDocument.Parse(await gateway.Admin.GetStringAsync("/server_info"));
        var options = info.RootElement.GetProperty("command_line_options");
        Assert.Equal("front", options.GetProperty("service_cluster").GetString());
        Assert.Equal("front-1", options.GetProperty("service_node").GetString());
        Assert.Equal("z1", options.GetProperty("service_zone").GetString());
        var node = info.RootElement.GetProperty("node");
        Assert.Equal("front", node.GetProperty("cluster").GetString());
        Assert.Equal("front-1", node.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Add_user_agent_sends_the_local_cluster_and_node()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "node: { id: file-node, cluster: file-cluster }\n"),
            o => o with { ServiceCluster = "front" });
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("front", EchoUpstream.SeenHeader(response, "x-envoy-downstream-service-cluster"));
        Assert.Equal("front", EchoUpstream.SeenHeader(response, "user-agent"));
        Assert.Equal("file-node", EchoUpstream.SeenHeader(response, "x-envoy-downstream-service-node"));

        // A client's own user-agent is kept.
        var withAgent = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\n\r\n");
        Assert.Equal("curl/8", EchoUpstream.SeenHeader(withAgent, "user-agent"));
    }
}
