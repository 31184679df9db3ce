using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Routing;

/// <summary>
/// Envoy's host rewrites over real sockets: host_rewrite_header (first value, only when present and not
/// empty), host_rewrite_path_regex (the path without its query), x-envoy-original-host holding the Host
/// that was replaced (Envoy 1.35+), and append_x_forwarded_host appending it to x-forwarded-host once.
/// </summary>
public sealed class HostRewriteTests
{
    private static string Yaml(int port) => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/by-header" }
          route: { cluster: echo, host_rewrite_header: x-target-host }
        - match: { prefix: "/by-path" }
          route:
            cluster: echo
            host_rewrite_path_regex:
              pattern: { regex: "^/by-path/([^/]+)/.*$" }
              substitution: \1.internal
        - match: { prefix: "/literal-xfh" }
          route: { cluster: echo, host_rewrite_literal: upstream.test, append_x_forwarded_host: true }
        - match: { prefix: "/plain" }
          route: { cluster: echo }
        """,
        EnvoyYaml.StaticCluster("echo", port));

    [Fact]
    public async Task Host_rewrite_header_takes_the_first_value_and_keeps_the_original_host()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /by-header HTTP/1.1\r\nHost: client.test\r\nx-target-host: svc.test:8080\r\nx-target-host: other.test\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("svc.test:8080", response.Header("x-seen-host"));
        Assert.Equal("client.test", EchoUpstream.SeenHeader(response, "x-envoy-original-host"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-forwarded-host"));
    }

    [Fact]
    public async Task Without_the_header_the_clients_host_is_kept_and_nothing_is_recorded()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /by-header HTTP/1.1\r\nHost: client.test\r\nx-target-host: \r\n\r\n");
        Assert.Equal("client.test", response.Header("x-seen-host"));
        Assert.Null(EchoUpstream.SeenHeader(response, "x-envoy-original-host"));

        var plain = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /plain HTTP/1.1\r\nHost: client.test\r\n\r\n");
        Assert.Equal("client.test", plain.Header("x-seen-host"));
        Assert.Null(EchoUpstream.SeenHeader(plain, "x-envoy-original-host"));
    }

    [Fact]
    public async Task Host_rewrite_path_regex_rewrites_from_the_path_without_its_query()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /by-path/billing/v1/items?x=/by-path/q/ HTTP/1.1\r\nHost: client.test\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("billing.internal", response.Header("x-seen-host"));
        Assert.Equal("/by-path/billing/v1/items?x=/by-path/q/", response.Header("x-seen-target"));
        Assert.Equal("client.test", EchoUpstream.SeenHeader(response, "x-envoy-original-host"));
    }

    [Theory]
    [InlineData("", "client.test")]
    [InlineData("x-forwarded-host: edge.test\r\n", "edge.test,client.test")]
    [InlineData("x-forwarded-host: edge.test,client.test\r\n", "edge.test,client.test")]
    public async Task Append_x_forwarded_host_appends_the_replaced_host_once(string clientHeader, string expected)
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /literal-xfh HTTP/1.1\r\nHost: client.test\r\n" + clientHeader + "\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("upstream.test", response.Header("x-seen-host"));
        Assert.Equal(expected, EchoUpstream.SeenHeader(response, "x-forwarded-host"));
        Assert.Equal("client.test", EchoUpstream.SeenHeader(response, "x-envoy-original-host"));
    }
}
