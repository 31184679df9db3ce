using System.Net;
using System.Text.RegularExpressions;
using DemoUpstream;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Core;

/// <summary>The headers Envoy adds, keeps and edits on the way up and down (facts section 4).</summary>
public sealed partial class HeaderTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();

    private static string Yaml(int port, string routeExtra = "", string hcmExtra = "") => EnvoyYaml.WithRoutes($$"""
        - match: { prefix: "/" }
          route: { cluster: demo {{routeExtra}} }
        """, EnvoyYaml.StaticCluster("demo", port), hcmExtra);

    [Fact]
    public async Task ProxiedResponseHasServerEnvoyAndUpstreamServiceTime()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var response = await gw.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("envoy", response.Headers.Server.ToString());
        var serviceTime = Assert.Single(response.Headers.GetValues("x-envoy-upstream-service-time"));
        Assert.True(long.TryParse(serviceTime, out var ms) && ms >= 0, serviceTime);
    }

    [Fact]
    public async Task ServerNameOverridesServerOnProxiedAndLocalReplies()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/local" }
              direct_response: { status: 200, body: { inline_string: hi } }
            - match: { prefix: "/" }
              route: { cluster: demo }
            """, EnvoyYaml.StaticCluster("demo", upstream.Port), hcmExtra: "server_name: my-gateway");
        await using var gw = await TestGateway.StartAsync(yaml);
        using var proxied = await gw.Client.GetAsync("/get");
        Assert.Equal("my-gateway", proxied.Headers.Server.ToString());
        using var local = await gw.Client.GetAsync("/local");
        Assert.Equal("my-gateway", local.Headers.Server.ToString());
    }

    [Fact]
    public async Task UpstreamGetsEnvoysRequestHeaders()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/anything/x"));
        Assert.Matches(UuidV4(), echo.Header("x-request-id") ?? "");
        Assert.Equal("http", echo.Header("x-forwarded-proto"));
        Assert.Equal("15000", echo.Header("x-envoy-expected-rq-timeout-ms"));
        Assert.Null(echo.Header("x-forwarded-for"));
        Assert.Null(echo.Header("x-envoy-original-path"));
        Assert.Equal($"127.0.0.1:{gw.Port}", echo.Header("host"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/anything/x");
        request.Headers.Add("x-request-id", "my-own-id");
        request.Headers.Host = "original.test";
        var kept = await UpstreamEcho.ReadAsync(await gw.Client.SendAsync(request));
        Assert.Equal("my-own-id", kept.Header("x-request-id"));
        Assert.Equal("original.test", kept.Header("host"));
    }

    [Fact]
    public async Task CustomRouteTimeoutIsAnnounced()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 2.5s"));
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/anything"));
        Assert.Equal("2500", echo.Header("x-envoy-expected-rq-timeout-ms"));
    }

    [Fact]
    public async Task UseRemoteAddressAddsXForwardedFor()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: "use_remote_address: true"));
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/anything"));
        // A loopback peer: Envoy appends its own local address (config.localAddress()), not 127.0.0.1.
        Assert.Equal(Gateway.Proxy.EdgeRules.GatewayLocalAddress, echo.Header("x-forwarded-for"));
    }

    [Fact]
    public async Task RewritesSetOriginalPath()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/old/" }
              route: { cluster: demo, prefix_rewrite: "/anything/new/" }
            - match: { safe_regex: { regex: "/re/([a-z]+)/([0-9]+)" } }
              route:
                cluster: demo
                regex_rewrite: { pattern: { regex: "^/re/([a-z]+)/([0-9]+)$" }, substitution: "/anything/\\2/\\1" }
            """, EnvoyYaml.StaticCluster("demo", upstream.Port));
        await using var gw = await TestGateway.StartAsync(yaml);

        var prefix = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/old/thing?q=1"));
        Assert.Equal("/anything/new/thing?q=1", prefix.PathAndQuery);
        Assert.Equal("/old/thing?q=1", prefix.Header("x-envoy-original-path"));

        var regex = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/re/abc/42"));
        Assert.Equal("/anything/42/abc", regex.PathAndQuery);
        Assert.Equal("/re/abc/42", regex.Header("x-envoy-original-path"));
    }

    [Fact]
    public async Task HostRewriteLiteral()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, ", host_rewrite_literal: rewritten.test"));
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/anything"));
        Assert.Equal("rewritten.test", echo.Header("host"));
    }

    [Fact]
    public async Task HeaderEditsAtRouteVirtualHostAndRouteConfigLevels()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            var h = context.Request.Headers;
            context.Response.Headers["x-up-secret"] = "s";
            context.Response.Headers["x-up-vhost-secret"] = "s";
            context.Response.Headers["x-up-global-secret"] = "s";
            context.Response.Headers["x-up-keep"] = "k";
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Join("\n", h.OrderBy(p => p.Key).Select(p => $"{p.Key.ToLowerInvariant()}={p.Value}")));
        });
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: up }
              request_headers_to_add: [{ header: { key: x-route, value: r } }]
              request_headers_to_remove: [x-drop-route]
              response_headers_to_add: [{ header: { key: x-resp-route, value: r } }]
              response_headers_to_remove: [x-up-secret]
            """,
            EnvoyYaml.StaticCluster("up", upstream.Port),
            vhostExtra: """
            request_headers_to_add: [{ header: { key: x-vhost, value: v } }]
            request_headers_to_remove: [x-drop-vhost]
            response_headers_to_add: [{ header: { key: x-resp-vhost, value: v } }]
            response_headers_to_remove: [x-up-vhost-secret]
            """,
            routeConfigExtra: """
            request_headers_to_add: [{ header: { key: x-global, value: g } }]
            request_headers_to_remove: [x-drop-global]
            response_headers_to_add: [{ header: { key: x-resp-global, value: g } }]
            response_headers_to_remove: [x-up-global-secret]
            """);
        await using var gw = await TestGateway.StartAsync(yaml);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("x-drop-route", "1");
        request.Headers.Add("x-drop-vhost", "1");
        request.Headers.Add("x-drop-global", "1");
        request.Headers.Add("x-stays", "1");
        using var response = await gw.Client.SendAsync(request);
        var seen = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains("x-route=r", seen);
        Assert.Contains("x-vhost=v", seen);
        Assert.Contains("x-global=g", seen);
        Assert.Contains("x-stays=1", seen);
        Assert.DoesNotContain(seen, l => l.StartsWith("x-drop-", StringComparison.Ordinal));

        Assert.Equal("r", response.Headers.GetValues("x-resp-route").Single());
        Assert.Equal("v", response.Headers.GetValues("x-resp-vhost").Single());
        Assert.Equal("g", response.Headers.GetValues("x-resp-global").Single());
        Assert.Equal("k", response.Headers.GetValues("x-up-keep").Single());
        Assert.False(response.Headers.Contains("x-up-secret"));
        Assert.False(response.Headers.Contains("x-up-vhost-secret"));
        Assert.False(response.Headers.Contains("x-up-global-secret"));
    }

    [Fact]
    public async Task ResponseHeadersToAddApplyToDirectResponses()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              direct_response: { status: 200, body: { inline_string: ok } }
              response_headers_to_add: [{ header: { key: x-resp-route, value: r } }]
            """,
            vhostExtra: "response_headers_to_add: [{ header: { key: x-resp-vhost, value: v } }]"));
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal("r", response.Headers.GetValues("x-resp-route").Single());
        Assert.Equal("v", response.Headers.GetValues("x-resp-vhost").Single());
    }
}
