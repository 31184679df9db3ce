using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Core;

/// <summary>
/// Envoy's route and virtual host matching (facts section 5), observed over real sockets. Each route
/// answers with a direct_response naming itself, so a test sees which route won.
/// </summary>
public sealed class RoutingTests
{
    private static string Named(string name) => $"direct_response: {{ status: 200, body: {{ inline_string: {name} }} }}";

    private static readonly string PathRoutes = $"""
        - match: {"{"} path: "/exact" {"}"}
          {Named("exact")}
        - match: {"{"} safe_regex: {"{"} regex: "/re/[0-9]+" {"}"} {"}"}
          {Named("regex")}
        - match: {"{"} path_separated_prefix: "/sep" {"}"}
          {Named("sep")}
        - match: {"{"} prefix: "/ci", case_sensitive: false {"}"}
          {Named("ci")}
        - match: {"{"} prefix: "/api" {"}"}
          {Named("api")}
        - match: {"{"} prefix: "/first" {"}"}
          {Named("first")}
        - match: {"{"} prefix: "/first/second" {"}"}
          {Named("second")}
        """;

    private static async Task<string> WhichAsync(HttpClient client, string target, string? host = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.NotFound ? "404" : body;
    }

    [Theory]
    [InlineData("/api", "api")]
    [InlineData("/apix", "api")]
    [InlineData("/api/v1/users?x=1", "api")]
    [InlineData("/API", "404")]
    [InlineData("/exact", "exact")]
    [InlineData("/exact?q=1&r=2", "exact")]
    [InlineData("/exact/", "404")]
    [InlineData("/exactly", "404")]
    [InlineData("/re/123", "regex")]
    [InlineData("/re/12?x=abc", "regex")]
    [InlineData("/re/123/more", "404")]
    [InlineData("/re/abc", "404")]
    [InlineData("/sep", "sep")]
    [InlineData("/sep/", "sep")]
    [InlineData("/sep/a/b", "sep")]
    [InlineData("/sep?x=1", "sep")]
    [InlineData("/sepx", "404")]
    [InlineData("/ci", "ci")]
    [InlineData("/CI/x", "ci")]
    [InlineData("/Ci", "ci")]
    [InlineData("/first/second", "first")]
    [InlineData("/nothing", "404")]
    public async Task PathMatchingFollowsEnvoy(string target, string expected)
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(PathRoutes));
        Assert.Equal(expected, await WhichAsync(gw.Client, target));
    }

    [Fact]
    public async Task HeaderMatchersAndInvertAndMethod()
    {
        var routes = $$"""
            - match: { prefix: "/h", headers: [{ name: x-exact, exact_match: "yes" }] }
              {{Named("exact")}}
            - match: { prefix: "/h", headers: [{ name: x-sm, string_match: { exact: "MiXeD", ignore_case: true } }] }
              {{Named("ignorecase")}}
            - match: { prefix: "/h", headers: [{ name: x-pre, prefix_match: "abc" }] }
              {{Named("prefix")}}
            - match: { prefix: "/h", headers: [{ name: x-suf, suffix_match: "xyz" }] }
              {{Named("suffix")}}
            - match: { prefix: "/h", headers: [{ name: x-con, contains_match: "mid" }] }
              {{Named("contains")}}
            - match: { prefix: "/h", headers: [{ name: x-re, safe_regex_match: { regex: "v[0-9]+" } }] }
              {{Named("regex")}}
            - match: { prefix: "/h", headers: [{ name: x-present, present_match: true }] }
              {{Named("present")}}
            - match: { prefix: "/h", headers: [{ name: x-not, exact_match: "bad", invert_match: true }, { name: x-gate, present_match: true }] }
              {{Named("inverted")}}
            - match: { prefix: "/h", headers: [{ name: ":method", exact_match: "GET" }, { name: x-all, exact_match: "1" }, { name: x-all2, exact_match: "2" }] }
              {{Named("method-and-all")}}
            - match: { prefix: "/h" }
              {{Named("fallback")}}
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(routes));
        var c = gw.Client;
        Assert.Equal("exact", await WhichAsync(c, "/h", null, ("x-exact", "yes")));
        Assert.Equal("fallback", await WhichAsync(c, "/h", null, ("x-exact", "YES")));
        Assert.Equal("ignorecase", await WhichAsync(c, "/h", null, ("x-sm", "mixed")));
        Assert.Equal("prefix", await WhichAsync(c, "/h", null, ("x-pre", "abcdef")));
        Assert.Equal("fallback", await WhichAsync(c, "/h", null, ("x-pre", "xabc")));
        Assert.Equal("suffix", await WhichAsync(c, "/h", null, ("x-suf", "123xyz")));
        Assert.Equal("contains", await WhichAsync(c, "/h", null, ("x-con", "amidb")));
        Assert.Equal("regex", await WhichAsync(c, "/h", null, ("x-re", "v12")));
        Assert.Equal("fallback", await WhichAsync(c, "/h", null, ("x-re", "v12x")));
        Assert.Equal("present", await WhichAsync(c, "/h", null, ("x-present", "")));
        Assert.Equal("inverted", await WhichAsync(c, "/h", null, ("x-not", "good"), ("x-gate", "1")));
        Assert.Equal("fallback", await WhichAsync(c, "/h", null, ("x-not", "bad"), ("x-gate", "1")));
        Assert.Equal("method-and-all", await WhichAsync(c, "/h", null, ("x-all", "1"), ("x-all2", "2")));
        Assert.Equal("fallback", await WhichAsync(c, "/h", null, ("x-all", "1")));
        Assert.Equal("fallback", await WhichAsync(c, "/h"));
    }

    [Fact]
    public async Task QueryParameterMatchers()
    {
        var routes = $$"""
            - match: { prefix: "/q", query_parameters: [{ name: debug, string_match: { exact: "true" } }] }
              {{Named("debug")}}
            - match: { prefix: "/q", query_parameters: [{ name: flag, present_match: true }] }
              {{Named("flag")}}
            - match: { prefix: "/q" }
              {{Named("plain")}}
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(routes));
        Assert.Equal("debug", await WhichAsync(gw.Client, "/q?a=1&debug=true"));
        Assert.Equal("plain", await WhichAsync(gw.Client, "/q?debug=false"));
        Assert.Equal("flag", await WhichAsync(gw.Client, "/q?flag"));
        Assert.Equal("plain", await WhichAsync(gw.Client, "/q"));
    }

    private static readonly string Hosts = $"""
        - name: exact
          domains: ["www.example.com"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("exact")} {"}"}]
        - name: short-suffix
          domains: ["*.com"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("short-suffix")} {"}"}]
        - name: long-suffix
          domains: ["*.example.com"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("long-suffix")} {"}"}]
        - name: prefix
          domains: ["api.*"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("prefix")} {"}"}]
        - name: with-port
          domains: ["ported.test:8080"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("with-port")} {"}"}]
        - name: any
          domains: ["*"]
          routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("any")} {"}"}]
        """;

    [Theory]
    [InlineData("www.example.com", "exact")]
    [InlineData("WWW.Example.COM", "exact")]
    [InlineData("foo.example.com", "long-suffix")]
    [InlineData("foo.other.com", "short-suffix")]
    [InlineData("api.example.com", "long-suffix")]
    [InlineData("api.internal", "prefix")]
    [InlineData("unknown.test", "any")]
    // The port is part of the host: "*.example.com" does not end "www.example.com:8080".
    [InlineData("www.example.com:8080", "any")]
    [InlineData("ported.test:8080", "with-port")]
    [InlineData("ported.test", "any")]
    public async Task VirtualHostPrecedence(string host, string expected)
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.Bootstrap(Hosts));
        Assert.Equal(expected, await WhichAsync(gw.Client, "/", host));
    }

    [Fact]
    public async Task StripAnyHostPortIgnoresThePort()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.Bootstrap(Hosts, hcmExtra: "strip_any_host_port: true"));
        Assert.Equal("exact", await WhichAsync(gw.Client, "/", "www.example.com:8080"));
        Assert.Equal("any", await WhichAsync(gw.Client, "/", "ported.test:8080"));
    }

    [Fact]
    public async Task StripMatchingHostPortOnlyStripsTheListenerPort()
    {
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.Bootstrap(Hosts, hcmExtra: "strip_matching_host_port: true"));
        Assert.Equal("exact", await WhichAsync(gw.Client, "/", $"www.example.com:{gw.Port}"));
        Assert.Equal("any", await WhichAsync(gw.Client, "/", "www.example.com:1"));
    }

    [Fact]
    public async Task NoVirtualHostMatchIs404WithEmptyBody()
    {
        var hosts = $"""
            - name: only
              domains: ["only.test"]
              routes: [{"{"} match: {"{"} prefix: "/" {"}"}, {Named("only")} {"}"}]
            """;
        await using var gw = await TestGateway.StartAsync(EnvoyYaml.Bootstrap(hosts));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "other.test";
        using var response = await gw.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal("envoy", response.Headers.Server.ToString());
    }
}
