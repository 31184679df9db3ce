using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Routing;

/// <summary>
/// Header edits on a weighted_clusters entry (ClusterWeight request/response_headers_to_add/remove) apply
/// to requests sent to that cluster, before the route's own edits, as Envoy's most-specific-first order.
/// </summary>
public sealed class WeightedClusterHeaderTests
{
    [Fact]
    public async Task The_picked_entrys_header_edits_apply_before_the_routes()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              request_headers_to_add:
              - header: { key: x-level, value: route }
              response_headers_to_add:
              - header: { key: x-answer-level, value: route }
              route:
                weighted_clusters:
                  clusters:
                  - name: echo
                    weight: 100
                    request_headers_to_add:
                    - header: { key: x-level, value: cluster }
                    - header: { key: x-cluster, value: "%UPSTREAM_CLUSTER%" }
                    request_headers_to_remove: [ x-drop-me ]
                    response_headers_to_add:
                    - header: { key: x-answer-level, value: cluster }
                    response_headers_to_remove: [ x-seen-host ]
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port));
        await using var gateway = await TestGateway.StartAsync(yaml);

        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /w HTTP/1.1\r\nHost: client.test\r\nx-drop-me: 1\r\n\r\n");

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(["cluster", "route"], EchoUpstream.SeenHeader(response, "x-level")!.Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal("echo", EchoUpstream.SeenHeader(response, "x-cluster"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-drop-me"));
        Assert.Equal(["cluster", "route"], response.Headers.Where(h => h.Key.Equals("x-answer-level", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value.Split(',', StringSplitOptions.TrimEntries)));
        Assert.Null(response.Header("x-seen-host"));
    }
}
