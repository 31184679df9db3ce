using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Packaging;

/// <summary>Each cluster as a named client through IHttpClientFactory: the cluster's own pool and stats, following reloads.</summary>
public sealed class ClusterClientsTests
{
    private const string Cluster = "outbound|8000||127.0.0.1.static";

    private static string Config(int port) => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: "{{Cluster}}" }
        """,
        EnvoyYaml.StaticCluster(Cluster, port));

    [InProcessGateway("uses the host's IHttpClientFactory and reloader")]
    [Fact]
    public async Task A_named_client_sends_through_the_clusters_entry_counts_in_its_stats_and_follows_reloads()
    {
        await using var first = await DemoUpstreamServer.StartAsync();
        await using var second = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Config(first.Port));
        var factory = (IHttpClientFactory)gateway.Host.Services.GetService(typeof(IHttpClientFactory))!;
        using var client = factory.CreateClient(Cluster);

        var headers = await client.GetStringAsync("/headers");
        Assert.Contains($"127.0.0.1:{first.Port}", headers); // Host: the endpoint's address, as auto_host_rewrite
        Assert.Equal(1, (await gateway.StatsAsync())[$"cluster.{Cluster}.upstream_rq_total"]);
        Assert.Equal(1, (await gateway.StatsAsync())[$"cluster.{Cluster}.upstream_rq_200"]);

        await gateway.RewriteAsync(Config(second.Port));
        Assert.True((await gateway.Host.Reloader.ReloadAsync()).Success);
        Assert.Contains($"127.0.0.1:{second.Port}", await client.GetStringAsync("/headers"));
    }

    [InProcessGateway("uses the host's IHttpClientFactory and reloader")]
    [Fact]
    public async Task A_client_of_an_undefined_cluster_says_so()
    {
        await using var gateway = await TestGateway.StartAsync(Config(TestGateway.RefusedPort()));
        using var client = gateway.Host.ClusterClients.CreateClient("no-such-cluster");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/"));
        Assert.Contains("no cluster named 'no-such-cluster'", error.Message);
    }
}
