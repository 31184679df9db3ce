using System.Text.Json;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.HttpCall;

/// <summary>
/// The shipped config/envoy.yaml, run for real (ports moved to ephemeral ones on 127.0.0.1): the
/// README's first command must show X-External-Response on /get, with the callout and the forwarded
/// request counted in the one cluster they share.
/// </summary>
public class DefaultConfigEndToEndTests
{
    [Fact]
    public async Task ShippedConfigInjectsTheCalloutAnswerAndCountsBothTripsInOneCluster()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot(), "config", "envoy.yaml"))
            .Replace("port_value: 10000", "port_value: 0")
            .Replace("port_value: 9901", "port_value: 0")
            .Replace("0.0.0.0", "127.0.0.1")
            .Replace("8000", upstream.Port.ToString());
        await using var gateway = await TestGateway.StartAsync(yaml);

        var response = await gateway.Client.GetAsync("/get");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("envoy", response.Headers.Server.ToString());
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var headers = echo.RootElement.GetProperty("headers");
        Assert.Equal("{\"message\": \"hello from the gateway\"}", headers.GetProperty("X-External-Response").GetString());
        Assert.Equal(2, upstream.RequestCount);

        var stats = await gateway.Admin.GetStringAsync("/stats");
        Assert.Contains($"cluster.outbound|{upstream.Port}||127.0.0.1.static.upstream_rq_total: 2", stats);
        Assert.Contains($"cluster.outbound|{upstream.Port}||127.0.0.1.static.upstream_rq_200: 2", stats);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
