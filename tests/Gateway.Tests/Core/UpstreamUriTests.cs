using Gateway.Clusters.Table;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Core;

/// <summary>
/// The upstream URI of a request: the host's prefix and the raw target as the client sent it (no path
/// canonicalisation). A host keeps the last one and hands it out again while the target repeats.
/// </summary>
public sealed class UpstreamUriTests
{
    [Fact]
    public void A_repeated_target_gets_the_same_uri_and_another_target_its_own()
    {
        var endpoint = new UpstreamEndpoint("127.0.0.1", 8080, weight: 1, priority: 0, tls: false);

        var first = endpoint.UriFor("/a/../b%2Fc?x=1");
        Assert.Same(first, endpoint.UriFor("/a/../b%2Fc?x=1"));
        Assert.Equal("http://127.0.0.1:8080/a/../b%2Fc?x=1", first.OriginalString);
        Assert.Equal("/a/../b%2Fc?x=1", first.PathAndQuery);

        var other = endpoint.UriFor("/other");
        Assert.NotSame(first, other);
        Assert.Equal("/other", other.PathAndQuery);
        Assert.Equal("/a/../b%2Fc?x=1", endpoint.UriFor("/a/../b%2Fc?x=1").PathAndQuery);
    }

    [Fact]
    public async Task Each_request_reaches_the_upstream_with_its_own_raw_target()
    {
        await using var upstream = await TinyUpstream.StartAsync(context =>
            context.Response.WriteAsync(context.Features.Get<IHttpRequestFeature>()!.RawTarget));
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: echo }
            """,
            EnvoyYaml.StaticCluster("echo", upstream.Port)));

        foreach (var target in new[] { "/a", "/a", "/b?q=1", "/a", "/b?q=2", "/c%2Fd", "/c%2Fd" })
        {
            Assert.Equal(target, await gateway.Client.GetStringAsync(target));
        }
    }
}
