using System.Net;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>Envoy's locally generated replies (facts section 4): statuses, bodies, content-type, server header.</summary>
public sealed class LocalReplyTests
{
    private static async Task AssertLocalReplyAsync(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal("envoy", response.Headers.Server.ToString());
        if (body.Length > 0)
        {
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task NoRouteIs404WithEmptyBody()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/only" }
              direct_response: { status: 200 }
            """));
        using var response = await gw.Client.GetAsync("/other");
        await AssertLocalReplyAsync(response, HttpStatusCode.NotFound, "");
    }

    [Fact]
    public async Task UnresolvableStrictDnsClusterIsNoHealthyUpstream()
    {
        var cluster = """
            - name: nowhere
              type: STRICT_DNS
              connect_timeout: 1s
              load_assignment:
                cluster_name: nowhere
                endpoints:
                - lb_endpoints:
                  - endpoint:
                      address:
                        socket_address: { address: nonexistent.invalid, port_value: 80 }
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: nowhere }
            """, cluster));
        using var response = await gw.Client.GetAsync("/get");
        await AssertLocalReplyAsync(response, HttpStatusCode.ServiceUnavailable, "no healthy upstream");
    }

    [Fact]
    public async Task ClusterWithoutEndpointsIsNoHealthyUpstream()
    {
        var cluster = """
            - name: empty
              type: STATIC
              connect_timeout: 1s
              load_assignment: { cluster_name: empty, endpoints: [] }
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: empty }
            """, cluster));
        using var response = await gw.Client.GetAsync("/get");
        await AssertLocalReplyAsync(response, HttpStatusCode.ServiceUnavailable, "no healthy upstream");
    }

    [Fact]
    public async Task ClosedPortIsConnectionFailure()
    {
        var port = TestGateway.RefusedPort();
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: closed }
            """, EnvoyYaml.StaticCluster("closed", port)));
        using var response = await gw.Client.GetAsync("/get");
        await AssertLocalReplyAsync(response, HttpStatusCode.ServiceUnavailable,
            "upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused");
    }

    [Fact]
    public async Task RouteTimeoutIs504()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: demo, timeout: 0.5s }
            """, EnvoyYaml.StaticCluster("demo", upstream.Port)));
        using var response = await gw.Client.GetAsync("/delay/2");
        await AssertLocalReplyAsync(response, HttpStatusCode.GatewayTimeout, "upstream request timeout");
    }

    [Fact]
    public async Task DirectResponseHasTextPlainBody()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/teapot" }
              direct_response: { status: 418, body: { inline_string: "short and stout" } }
            - match: { prefix: "/empty" }
              direct_response: { status: 204 }
            """));
        using var response = await gw.Client.GetAsync("/teapot");
        await AssertLocalReplyAsync(response, (HttpStatusCode)418, "short and stout");
        using var empty = await gw.Client.GetAsync("/empty");
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.Equal("envoy", empty.Headers.Server.ToString());
    }

    [Theory]
    [InlineData("/plain/x?q=1", 301, "http://redirect.test/plain/x?q=1")]
    [InlineData("/https/x?q=1", 301, "https://redirect.test/https/x?q=1")]
    [InlineData("/path/x?q=1", 301, "http://redirect.test/new/path?q=1")]
    [InlineData("/prefix/x?q=1", 301, "http://redirect.test/moved/x?q=1")]
    [InlineData("/found/x", 302, "http://other.test/found/x")]
    [InlineData("/strip/x?q=1", 301, "http://redirect.test/strip/x")]
    public async Task Redirects(string target, int status, string location)
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/plain" }
              redirect: { host_redirect: redirect.test }
            - match: { prefix: "/https" }
              redirect: { https_redirect: true }
            - match: { prefix: "/path" }
              redirect: { path_redirect: "/new/path" }
            - match: { prefix: "/prefix" }
              redirect: { prefix_rewrite: "/moved" }
            - match: { prefix: "/found" }
              redirect: { host_redirect: other.test, response_code: FOUND }
            - match: { prefix: "/strip" }
              redirect: { strip_query: true }
            """));
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Host = "redirect.test";
        using var response = await gw.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
        Assert.Equal("envoy", response.Headers.Server.ToString());
    }

    [Fact]
    public async Task ClusterHeaderNamingUnknownClusterIs503()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster_header: x-target }
            """, EnvoyYaml.StaticCluster("demo", upstream.Port)));
        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/get");
        unknown.Headers.Add("x-target", "nope");
        using var response = await gw.Client.SendAsync(unknown);
        await AssertLocalReplyAsync(response, HttpStatusCode.ServiceUnavailable, "");

        using var known = new HttpRequestMessage(HttpMethod.Get, "/get");
        known.Headers.Add("x-target", "demo");
        using var ok = await gw.Client.SendAsync(known);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task WeightedClustersBothReceiveTraffic()
    {
        await using var one = await DemoUpstreamServer.StartAsync();
        await using var two = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route:
                weighted_clusters:
                  clusters:
                  - { name: one, weight: 50 }
                  - { name: two, weight: 50 }
            """, EnvoyYaml.StaticCluster("one", one.Port) + EnvoyYaml.StaticCluster("two", two.Port)));
        for (var i = 0; i < 200 && (one.RequestCount == 0 || two.RequestCount == 0); i++)
        {
            using var response = await gw.Client.GetAsync("/get");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(one.RequestCount > 0, "cluster 'one' got no request");
        Assert.True(two.RequestCount > 0, "cluster 'two' got no request");
    }
}
