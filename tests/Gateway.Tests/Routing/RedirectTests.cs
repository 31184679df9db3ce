using Gateway.Tests.Support;
using Gateway.Tests.Wire;

namespace Gateway.Tests.Routing;

/// <summary>
/// Redirect Locations as Envoy's RouteEntryImplBase::newUri builds them, over real sockets: the scheme
/// of the request is x-forwarded-proto for HTTP/1; the request's port is kept unless port_redirect
/// replaces it or the scheme changes away from that scheme's default port; port_redirect is appended as
/// given; path_redirect, prefix_rewrite, regex_rewrite and strip_query rewrite the path.
/// </summary>
public sealed class RedirectTests
{
    private const string Routes = """
        - match: { prefix: "/https" }
          redirect: { https_redirect: true }
        - match: { prefix: "/scheme" }
          redirect: { scheme_redirect: http }
        - match: { prefix: "/port80" }
          redirect: { port_redirect: 80 }
        - match: { prefix: "/port" }
          redirect: { port_redirect: 8443 }
        - match: { prefix: "/host" }
          redirect: { host_redirect: other.test }
        - match: { prefix: "/prefix/" }
          redirect: { prefix_rewrite: "/moved/", strip_query: true }
        - match: { safe_regex: { regex: "^/regex/([^/]+)/(.*)$" } }
          redirect:
            regex_rewrite:
              pattern: { regex: "^/regex/([^/]+)/(.*)$" }
              substitution: /\2/\1
        - match: { prefix: "/pathq" }
          redirect: { path_redirect: "/new?x=1", strip_query: true }
        - match: { prefix: "/path" }
          redirect: { path_redirect: "new" }
        - match: { prefix: "/" }
          redirect: {}
        """;

    [Theory]
    // The request's non-default port is kept, whatever the scheme.
    [InlineData("/plain?q=1", "a.test:8080", "", "http://a.test:8080/plain?q=1")]
    [InlineData("/https/x", "a.test:8080", "", "https://a.test:8080/https/x")]
    // A default port of the x-forwarded-proto scheme goes when the scheme changes, and only then.
    [InlineData("/https/x", "a.test:80", "", "https://a.test/https/x")]
    [InlineData("/plain", "a.test:80", "", "http://a.test:80/plain")]
    [InlineData("/scheme/x", "a.test:443", "x-forwarded-proto: https\r\n", "http://a.test/scheme/x")]
    // Without use_remote_address the client's x-forwarded-proto is the request's scheme.
    [InlineData("/plain", "a.test", "x-forwarded-proto: https\r\n", "https://a.test/plain")]
    [InlineData("/https/x", "a.test:443", "x-forwarded-proto: https\r\n", "https://a.test:443/https/x")]
    // port_redirect replaces the request's port and is written as given, even a default one.
    [InlineData("/port/x", "a.test:8080", "", "http://a.test:8443/port/x")]
    [InlineData("/port80/x", "a.test:8080", "", "http://a.test:80/port80/x")]
    [InlineData("/port/x", "[::1]:8080", "", "http://[::1]:8443/port/x")]
    [InlineData("/host/x?q=1", "a.test:8080", "", "http://other.test/host/x?q=1")]
    [InlineData("/prefix/a/b?q=1", "a.test", "", "http://a.test/moved/a/b")]
    [InlineData("/regex/one/two?q=1", "a.test", "", "http://a.test/two/one?q=1")]
    [InlineData("/pathq/x?q=2", "a.test", "", "http://a.test/new?x=1")]
    [InlineData("/path/x?q=2", "a.test", "", "http://a.test/new?q=2")]
    public async Task Location_is_built_as_envoy_builds_it(string target, string host, string extra, string location)
    {
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(Routes));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, $"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n");
        Assert.True(response.Status == 301, response.ToString());
        Assert.Equal(location, response.Header("location"));
    }

    [Fact]
    public async Task At_the_edge_the_connections_scheme_wins_over_the_clients_x_forwarded_proto()
    {
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.WithRoutes(Routes, hcmExtra: "use_remote_address: true"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /plain HTTP/1.1\r\nHost: a.test\r\nx-forwarded-proto: https\r\n\r\n");
        Assert.Equal("http://a.test/plain", response.Header("location"));
    }
}
