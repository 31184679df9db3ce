using System.Net;
using System.Text;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters.JwtAuthn;

/// <summary>envoy.filters.http.jwt_authn over real sockets: local JWKS, a JWKS endpoint the test serves, Envoy's 401 answers.</summary>
public sealed class JwtAuthnFilterTests : IAsyncLifetime
{
    // RSA key generation is slow on a busy machine; the keys are shared by the tests (read only).
    private static readonly TestKeys SharedKeys = new();
    private static readonly TestKeys SharedOtherKeys = new();
    private readonly TestKeys _keys = SharedKeys;
    private readonly TestKeys _otherKeys = SharedOtherKeys;
    private TinyUpstream _upstream = null!;
    private TinyUpstream _jwks = null!;
    private int _jwksFetches;
    private Func<Task>? _jwksDelay;

    public async Task InitializeAsync()
    {
        _upstream = await TinyUpstream.StartAsync(HeaderEcho.Handle);
        _jwks = await TinyUpstream.StartAsync(async ctx =>
        {
            Interlocked.Increment(ref _jwksFetches);
            if (_jwksDelay is { } delay)
            {
                await delay();
            }

            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(_keys.Jwks);
        });
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    private string Yaml(string provider, string rules, int? jwksPort = null) => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/open" }
          route: { cluster: upstream }
          typed_per_filter_config:
            envoy.filters.http.jwt_authn:
              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig
              disabled: true
        - match: { prefix: "/" }
          route: { cluster: upstream }
        """,
        EnvoyYaml.StaticCluster("upstream", _upstream.Port) + EnvoyYaml.StaticCluster("jwks", jwksPort ?? _jwks.Port),
        httpFilters: $$"""
        - name: envoy.filters.http.jwt_authn
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
            providers:
              main:
                issuer: https://issuer.test
                audiences: [api]
        {{EnvoyYaml.Indent(provider, 8)}}
            rules:
        {{EnvoyYaml.Indent(rules, 4)}}
        """);

    private string LocalProvider => $$"""
        local_jwks:
          inline_string: '{{_keys.Jwks}}'
        forward_payload_header: x-jwt-payload
        payload_in_metadata: my_payload
        """;

    private const string RequireMain = """
        - match: { prefix: "/" }
          requires: { provider_name: main }
        """;

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
        }

        return request;
    }

    [Fact]
    public async Task Valid_token_passes_with_the_payload_forwarded_and_the_token_removed()
    {
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, RequireMain));
        var token = _keys.Token();
        using var response = await gw.Client.SendAsync(Get("/api", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadAsStringAsync();
        Assert.Null(HeaderEcho.Header(echo, "authorization"));
        Assert.Equal(token.Split('.')[1], HeaderEcho.Header(echo, "x-jwt-payload"));
        var payload = Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(HeaderEcho.Header(echo, "x-jwt-payload")!));
        Assert.Contains("\"sub\":\"user-1\"", payload);
        Assert.Equal(1, (await gw.StatsAsync())["jwt_authn.allowed"]);
    }

    [Fact]
    public async Task Missing_token_is_401_jwt_is_missing_with_a_bearer_realm()
    {
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, RequireMain));
        using var response = await gw.Client.SendAsync(Get("/api?x=1", null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Jwt is missing", await response.Content.ReadAsStringAsync());
        Assert.Equal($"Bearer realm=\"http://127.0.0.1:{gw.Port}/api?x=1\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(1, (await gw.StatsAsync())["jwt_authn.denied"]);
    }

    [Theory]
    [InlineData("other-key", "Jwt verification fails", 401)]
    [InlineData("expired", "Jwt is expired", 401)]
    [InlineData("wrong-audience", "Audiences in Jwt are not allowed", 403)]
    [InlineData("wrong-issuer", "Jwt issuer is not configured", 401)]
    [InlineData("garbage", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections", 401)]
    public async Task Bad_tokens_get_envoys_status_text_and_invalid_token(string kind, string body, int status)
    {
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, RequireMain));
        var token = kind switch
        {
            "other-key" => _otherKeys.Token(),
            "expired" => _keys.Token(lifetime: TimeSpan.FromMinutes(-10)),
            "wrong-audience" => _keys.Token(audience: "other"),
            "wrong-issuer" => _keys.Token(issuer: "https://evil.test"),
            _ => "not-a-jwt",
        };
        using var response = await gw.Client.SendAsync(Get("/api", token));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.EndsWith(", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Remote_jwks_is_fetched_through_the_cluster_once_and_cached()
    {
        var provider = """
            remote_jwks:
              http_uri: { uri: "http://jwks.test/keys.json", cluster: jwks, timeout: 1s }
              cache_duration: 300s
            forward: true
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(provider, RequireMain));
        var token = _keys.Token();
        using var first = await gw.Client.SendAsync(Get("/a", token));
        using var second = await gw.Client.SendAsync(Get("/b", token));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Bearer " + token, HeaderEcho.Header(await second.Content.ReadAsStringAsync(), "authorization"));
        Assert.Equal(1, _jwksFetches);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.jwks.upstream_rq_2xx"]);
        Assert.Equal(1, stats["jwt_authn.main.jwks_fetch_success"]);
    }

    [Fact]
    public async Task Jwks_peer_down_or_slow_is_401_remote_fetch_failed()
    {
        var provider = """
            remote_jwks:
              http_uri: { uri: "http://jwks.test/keys.json", cluster: jwks, timeout: 0.2s }
            """;
        await using (var gw = await TestGateway.StartAsync(Yaml(provider, RequireMain, ClosedPort.Get())))
        {
            using var response = await gw.Client.SendAsync(Get("/a", _keys.Token()));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Jwks remote fetch is failed", await response.Content.ReadAsStringAsync());
        }

        using var release = new CancellationTokenSource();
        _jwksDelay = () => Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { });
        await using (var gw = await TestGateway.StartAsync(Yaml(provider, RequireMain)))
        {
            using var response = await gw.Client.SendAsync(Get("/a", _keys.Token()));
            release.Cancel();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Jwks remote fetch is failed", await response.Content.ReadAsStringAsync());
            Assert.Equal(1, (await gw.StatsAsync())["cluster.jwks.upstream_rq_timeout"]);
        }
    }

    [Fact]
    public async Task Requires_any_with_allow_missing_passes_without_a_token_but_not_with_a_bad_one()
    {
        var rules = """
            - match: { prefix: "/" }
              requires:
                requires_any:
                  requirements:
                  - provider_name: main
                  - allow_missing: {}
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, rules));
        using var none = await gw.Client.SendAsync(Get("/a", null));
        using var bad = await gw.Client.SendAsync(Get("/a", _otherKeys.Token()));
        using var good = await gw.Client.SendAsync(Get("/a", _keys.Token()));
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Allow_missing_or_failed_always_passes()
    {
        var rules = """
            - match: { prefix: "/" }
              requires: { allow_missing_or_failed: {} }
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, rules));
        using var bad = await gw.Client.SendAsync(Get("/a", _otherKeys.Token()));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        // A failed token is not forwarded as verified payload.
        Assert.Null(HeaderEcho.Header(await bad.Content.ReadAsStringAsync(), "x-jwt-payload"));
    }

    [Fact]
    public async Task Tokens_from_params_cookies_and_custom_headers()
    {
        var provider = LocalProvider + """

            from_headers: [{ name: x-token, value_prefix: "Token " }]
            from_params: [jwt]
            from_cookies: [session]
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(provider, RequireMain));
        var token = _keys.Token();
        using var header = new HttpRequestMessage(HttpMethod.Get, "/a");
        header.Headers.Add("x-token", "Token " + token);
        using var cookie = new HttpRequestMessage(HttpMethod.Get, "/a");
        cookie.Headers.Add("Cookie", "other=1; session=" + token);
        using var byHeader = await gw.Client.SendAsync(header);
        using var byParam = await gw.Client.GetAsync("/a?jwt=" + token);
        using var byCookie = await gw.Client.SendAsync(cookie);
        using var byDefault = await gw.Client.SendAsync(Get("/a", token));

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byParam.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCookie.StatusCode);
        // With locations configured, the default Authorization header is not looked at.
        Assert.Equal(HttpStatusCode.Unauthorized, byDefault.StatusCode);
    }

    [Fact]
    public async Task Per_route_disabled_and_unmatched_paths_are_not_checked()
    {
        var rules = """
            - match: { prefix: "/api" }
              requires: { provider_name: main }
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(LocalProvider, rules));
        using var open = await gw.Client.SendAsync(Get("/open", null));
        using var unmatched = await gw.Client.SendAsync(Get("/other", null));
        using var api = await gw.Client.SendAsync(Get("/api", null));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unmatched.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
