using System.Net;
using System.Net.Sockets;
using DemoUpstream;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Core;

/// <summary>Forwarding details an Envoy user relies on beyond the headline behaviours.</summary>
public sealed class ProxyBehaviourTests
{
    private static string Yaml(int port, string routeExtra = "", string hcmExtra = "", string clusterExtra = "") => EnvoyYaml.WithRoutes($$"""
        - match: { prefix: "/" }
          route: { cluster: up {{routeExtra}} }
        """, EnvoyYaml.StaticCluster("up", port, clusterExtra), hcmExtra);

    /// <summary>The Host the upstream saw for GET /anything through a route with auto_host_rewrite to <paramref name="cluster"/> (named <c>up</c>).</summary>
    private static async Task<string?> HostSentWithAutoHostRewriteAsync(string cluster)
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: up, auto_host_rewrite: true }
            """, cluster));
        using var response = await gw.Client.GetAsync("/anything");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await UpstreamEcho.ReadAsync(response)).Header("host");
    }

    [Theory]
    [InlineData("/a%2Fb?x=%20y")]
    [InlineData("/double//slash")]
    [InlineData("/x/%7Euser?q=a+b&q=c")]
    public async Task RequestTargetReachesUpstreamAsSent(string target)
    {
        await using var upstream = await TinyUpstream.StartAsync(context =>
            context.Response.WriteAsync(context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget));
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        // HttpClient would unescape %7E itself unless told not to canonicalize.
        var uri = new Uri($"http://127.0.0.1:{gw.Port}{target}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        Assert.Equal(target, await gw.Client.GetStringAsync(uri));
    }

    [Fact]
    public async Task ZeroTimeoutDisablesTheRouteTimeout()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 0s"));
        using var response = await gw.Client.GetAsync("/delay/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await UpstreamEcho.ReadAsync(response);
        Assert.Null(echo.Header("x-envoy-expected-rq-timeout-ms"));
    }

    [Theory]
    [InlineData("STRICT_DNS")]
    [InlineData("LOGICAL_DNS")]
    public async Task AutoHostRewriteSendsTheDnsNameWithoutPort(string type)
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var cluster = $$"""
            - name: up
              type: {{type}}
              dns_lookup_family: V4_ONLY
              load_assignment:
                cluster_name: up
                endpoints:
                - lb_endpoints:
                  - endpoint: { address: { socket_address: { address: localhost, port_value: {{upstream.Port}} } } }
            """;
        Assert.Equal("localhost", await HostSentWithAutoHostRewriteAsync(cluster));
    }

    [Fact]
    public async Task AutoHostRewriteKeepsTheHostForStaticClusters()
    {
        // Envoy's STATIC hosts have no hostname, so there is nothing to rewrite to.
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, ", auto_host_rewrite: true"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/anything");
        request.Headers.Host = "client.test";
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.SendAsync(request));
        Assert.Equal("client.test", echo.Header("host"));
    }

    [Fact]
    public async Task AutoHostRewriteUsesTheEndpointHostnameWhenGiven()
    {
        // endpoint.hostname names a STATIC host too; auto_host_rewrite sends it.
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var cluster = $$"""
            - name: up
              type: STATIC
              load_assignment:
                cluster_name: up
                endpoints:
                - lb_endpoints:
                  - endpoint: { hostname: backend.internal, address: { socket_address: { address: 127.0.0.1, port_value: {{upstream.Port}} } } }
            """;
        Assert.Equal("backend.internal", await HostSentWithAutoHostRewriteAsync(cluster));
    }

    [Fact]
    public async Task UpgradeConfigsOnTheConnectionManagerAllowWebSockets()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: "upgrade_configs: [{ upgrade_type: websocket }]"));
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gw.Port}/ws"), deadline.Token);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Http2UpstreamViaProtocolOptions()
    {
        await using var upstream = await TinyUpstream.StartAsync(context => context.Response.WriteAsync(context.Request.Protocol), http2Only: true);
        var options = """
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config:
                  http2_protocol_options: {}
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, clusterExtra: options));
        Assert.Equal("HTTP/2", await gw.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task UpstreamClosingTheConnectionIsConnectionTermination()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    using var client = await listener.AcceptTcpClientAsync(stop.Token);
                    var buffer = new byte[4096];
                    _ = await client.GetStream().ReadAsync(buffer, stop.Token);
                    client.Client.Close();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await using var gw = await TestGateway.StartAsync(Yaml(port));
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: connection termination", await response.Content.ReadAsStringAsync());
        stop.Cancel();
        listener.Stop();
        await acceptLoop;
    }

    [Fact]
    public async Task ClusterNotFoundResponseCodeIsConfigurable()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster_header: x-target, cluster_not_found_response_code: NOT_FOUND }
            """));
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task LocalRepliesHaveNoUpstreamServiceTime()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes("""
            - match: { prefix: "/d" }
              direct_response: { status: 200, body: { inline_string: ok } }
            """));
        using var direct = await gw.Client.GetAsync("/d");
        Assert.False(direct.Headers.Contains("x-envoy-upstream-service-time"));
        using var missing = await gw.Client.GetAsync("/none");
        Assert.False(missing.Headers.Contains("x-envoy-upstream-service-time"));
    }

    [Fact]
    public async Task HeadAndNoContentResponsesPassThrough()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var head = await gw.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/bytes/100"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(100, head.Content.Headers.ContentLength);
        using var noContent = await gw.Client.GetAsync("/status/204");
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        using var serverError = await gw.Client.GetAsync("/status/503");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, serverError.StatusCode);
        Assert.Equal("", await serverError.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GenerateRequestIdFalseLeavesItOut()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: "generate_request_id: false"));
        var echo = await UpstreamEcho.ReadAsync(await gw.Client.GetAsync("/anything"));
        Assert.Null(echo.Header("x-request-id"));
    }

    [Fact]
    public async Task UpstreamTlsSendsSniAndDoesNotVerifyWithoutValidationContext()
    {
        await using var upstream = await TinyUpstream.StartAsync(
            context => context.Response.WriteAsync(context.Request.IsHttps ? "https" : "http"), tls: true);
        var tls = """
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                sni: backend.test
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, clusterExtra: tls));
        Assert.Equal("https", await gw.Client.GetStringAsync("/"));
        Assert.Equal("backend.test", upstream.LastSni);
    }

    [Fact]
    public async Task UpstreamTlsWithoutSniSendsNoServerName()
    {
        // Envoy sends no SNI unless the UpstreamTlsContext names one; the client's Host is not used for it.
        await using var upstream = await TinyUpstream.StartAsync(
            context => context.Response.WriteAsync(context.Request.IsHttps ? "https" : "http"), tls: true);
        var tls = """
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
            """;
        // The TLS handshake is part of connect_timeout (done in the connect callback); the suite's 1 s is too
        // tight for a first handshake on a loaded CI machine.
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, clusterExtra: tls).Replace("connect_timeout: 1s", "connect_timeout: 10s", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "client.test";
        using var response = await gw.Client.SendAsync(request);
        Assert.Equal("https", await response.Content.ReadAsStringAsync());
        Assert.True(string.IsNullOrEmpty(upstream.LastSni), $"SNI sent: {upstream.LastSni}");
    }
}
