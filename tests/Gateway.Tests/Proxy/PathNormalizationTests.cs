using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Proxy;

/// <summary>
/// The connection manager's path rules over real sockets, as Envoy's maybeNormalizePath applies them
/// before routing: what the route matches, what the upstream receives, the 400 and 307 local replies
/// and their counters. Without the rules the path goes upstream as sent (ProxyBehaviourTests).
/// </summary>
public sealed class PathNormalizationTests
{
    private static string Yaml(int port, string hcmExtra) => EnvoyYaml.WithRoutes("""
        - match: { path: "/admin/secret" }
          direct_response: { status: 403, body: { inline_string: "no" } }
        - match: { prefix: "/" }
          route: { cluster: up }
        """, EnvoyYaml.StaticCluster("up", port), hcmExtra);

    private static Task<TinyUpstream> EchoTargetAsync() => TinyUpstream.StartAsync(context =>
        context.Response.WriteAsync(context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget));

    [Theory]
    [InlineData("/a/b/../c?x=/../y", "/a/c?x=/../y")]
    [InlineData("/a//b///c", "/a/b/c")]
    [InlineData("/%7Euser/./x%2e%2E/..", "/~user/")]
    [InlineData("/a%2Fb", "/a%2Fb")]
    public async Task Normalize_path_and_merge_slashes_rewrite_what_the_upstream_receives(string sent, string received)
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "normalize_path: true\nmerge_slashes: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET {sent} HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(received, response.Body);
    }

    [Theory]
    [InlineData("/public/../admin/secret")]
    [InlineData("//admin//secret")]
    [InlineData("/admin/%73ecret")]
    public async Task Routes_match_the_normalized_path(string sent)
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "normalize_path: true\nmerge_slashes: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET {sent} HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == 403, response.ToString());
    }

    [Fact]
    public async Task Without_the_rules_a_dot_segment_does_not_reach_the_protected_route()
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ""));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /public/../admin/secret HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.Equal(200, response.Status);
        Assert.Equal("/public/../admin/secret", response.Body);
    }

    [Fact]
    public async Task An_escaped_nul_is_refused_with_400()
    {
        // Kestrel's parser refuses it before the rules run (Envoy's normalize_path would): 400 either way, nothing upstream.
        var reached = 0;
        await using var upstream = await TinyUpstream.StartAsync(_ => { Interlocked.Increment(ref reached); return Task.CompletedTask; });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "normalize_path: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a/%00/b HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == 400, response.ToString());
        Assert.Equal(0, reached);
    }

    [Fact]
    public async Task A_refused_escaped_slash_is_counted()
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "path_with_escaped_slashes_action: REJECT_REQUEST"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a%5Cb HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == 400, response.ToString());
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_failed_path_normalization"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_redirected_with_normalized_path"]);
    }

    [Theory]
    [InlineData("KEEP_UNCHANGED", "/a%2Fb%5cc", 200, "/a%2Fb%5cc")]
    [InlineData("IMPLEMENTATION_SPECIFIC_DEFAULT", "/a%2Fb", 200, "/a%2Fb")]
    [InlineData("UNESCAPE_AND_FORWARD", "/a%2Fb%5cc?q=%2F", 200, "/a/b\\c?q=%2F")]
    [InlineData("REJECT_REQUEST", "/a%2fb", 400, "")]
    [InlineData("REJECT_REQUEST", "/a/b?q=%2F", 200, "/a/b?q=%2F")]
    public async Task Escaped_slashes_follow_the_configured_action(string action, string sent, int status, string body)
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, $"path_with_escaped_slashes_action: {action}"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET {sent} HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == status, response.ToString());
        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task Unescape_and_redirect_answers_307_to_the_unescaped_and_normalized_path()
    {
        await using var upstream = await EchoTargetAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "path_with_escaped_slashes_action: UNESCAPE_AND_REDIRECT\nmerge_slashes: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a%2F%2Fb?q=1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.True(response.Status == 307, response.ToString());
        Assert.Equal("/a/b?q=1", response.Header("location"));

        // Without an escaped slash the request goes on, merged.
        var plain = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a//b HTTP/1.1\r\nHost: a.test\r\n\r\n");
        Assert.Equal("/a/b", plain.Body);

        // A gRPC client cannot follow a redirect: it gets the 400, as a gRPC status.
        var grpc = await RawHttpConnection.ExchangeAsync(gateway.Port, "POST /a%2Fb HTTP/1.1\r\nHost: a.test\r\ncontent-type: application/grpc\r\ncontent-length: 0\r\n\r\n");
        Assert.Equal(200, grpc.Status);
        Assert.Equal("13", grpc.Header("grpc-status"));

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_redirected_with_normalized_path"]);
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_failed_path_normalization"]);
    }
}
