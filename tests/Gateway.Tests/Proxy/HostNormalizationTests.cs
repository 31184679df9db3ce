using Gateway.Proxy;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Proxy;

/// <summary>
/// strip_any_host_port, strip_matching_host_port and strip_trailing_host_dot as Envoy's maybeNormalizeHost:
/// the Host header itself changes, so the upstream receives the normalized host, not only the route match.
/// </summary>
public sealed class HostNormalizationTests
{
    private static string Yaml(int port, string hcmExtra) => EnvoyYaml.Bootstrap("""
        - name: only
          domains: ["a.test"]
          routes:
          - match: { prefix: "/" }
            route: { cluster: echo }
        """, EnvoyYaml.StaticCluster("echo", port), hcmExtra);

    [Theory]
    [InlineData("strip_any_host_port: true", "a.test:8080", "a.test")]
    [InlineData("strip_trailing_host_dot: true", "a.test.", "a.test")]
    [InlineData("strip_trailing_host_dot: true\nstrip_any_host_port: true", "a.test.:8080", "a.test")]
    public async Task The_upstream_receives_the_normalized_host(string hcmExtra, string sent, string received)
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET / HTTP/1.1\r\nHost: {sent}\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(received, response.Header("x-seen-host"));
    }

    [Fact]
    public async Task Strip_matching_host_port_strips_only_the_listeners_port()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "strip_matching_host_port: true"));
        var own = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET / HTTP/1.1\r\nHost: a.test:{gateway.Port}\r\n\r\n");
        Assert.True(own.Status == 200, own.ToString());
        Assert.Equal("a.test", own.Header("x-seen-host"));
        // Another port stays, so the virtual host a.test does not match it.
        var other = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a.test:1\r\n\r\n");
        Assert.Equal(404, other.Status);
    }

    [Theory]
    [InlineData("a.test", "a.test")]
    [InlineData("a.test.", "a.test")]
    [InlineData("a.test.:80", "a.test:80")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("[::1]:80", "[::1]:80")]
    public void Trailing_dots(string host, string expected) => Assert.Equal(expected, HostNormalizer.StripTrailingDot(host));

    [Theory]
    [InlineData("a.test:80", null, "a.test")]
    [InlineData("a.test:80", 80, "a.test")]
    [InlineData("a.test:81", 80, "a.test:81")]
    [InlineData("[::1]:80", null, "[::1]")]
    [InlineData("[::1]", null, "[::1]")]
    [InlineData("a.test:x", null, "a.test:x")]
    public void Ports(string host, int? listenerPort, string expected) => Assert.Equal(expected, HostNormalizer.StripPort(host, listenerPort));
}
