using System.Collections.Concurrent;
using System.Net;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters.ExtAuthz;

/// <summary>ext_authz with http_service, over real sockets: a gateway, an HTTP authorization server and an upstream on 127.0.0.1.</summary>
public sealed class ExtAuthzHttpServiceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Method, string Path, IHeaderDictionary Headers, string Body)> _checks = new();
    private Func<HttpContext, Task> _decide = ctx => Task.CompletedTask;
    private TinyUpstream _authz = null!;
    private TinyUpstream _upstream = null!;
    private int _upstreamCalls;

    public async Task InitializeAsync()
    {
        _authz = await TinyUpstream.StartAsync(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            _checks.Enqueue((ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, new HeaderDictionary(ctx.Request.Headers.ToDictionary()), body));
            await _decide(ctx);
        });
        _upstream = await TinyUpstream.StartAsync(ctx =>
        {
            Interlocked.Increment(ref _upstreamCalls);
            return HeaderEcho.Handle(ctx);
        });
    }

    public async Task DisposeAsync()
    {
        await _authz.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    // 10 s unless a test is about the deadline: a fresh gateway's first callout JITs the client path and can
    // take over 0.5 s under CI load.
    private string Yaml(string filterExtra = "", int? authzPort = null, string routes = "", string timeout = "10s") => EnvoyYaml.WithRoutes(
        (routes.Length == 0 ? "" : routes + "\n") + """
        - match: { prefix: "/" }
          route: { cluster: upstream }
        """,
        EnvoyYaml.StaticCluster("upstream", _upstream.Port) + EnvoyYaml.StaticCluster("authz", authzPort ?? _authz.Port),
        httpFilters: $$"""
        - name: envoy.filters.http.ext_authz
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
            http_service:
              server_uri: { uri: "authz", cluster: authz, timeout: {{timeout}} }
              path_prefix: /check
              authorization_request:
                allowed_headers:
                  patterns: [{ exact: x-tenant }]
                headers_to_add: [{ key: x-from-gateway, value: "yes" }]
              authorization_response:
                allowed_upstream_headers:
                  patterns: [{ exact: x-current-user }]
                allowed_client_headers_on_success:
                  patterns: [{ exact: x-auth-trace }]
        {{EnvoyYaml.Indent(filterExtra, 4)}}
        """);

    [Fact]
    public async Task Allowed_request_carries_the_services_upstream_headers_and_the_check_saw_prefix_method_and_allowed_headers()
    {
        _decide = ctx =>
        {
            ctx.Response.Headers["x-current-user"] = "alice";
            ctx.Response.Headers["x-not-allowed"] = "dropped";
            ctx.Response.Headers["x-auth-trace"] = "t1";
            return Task.CompletedTask;
        };
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders?id=7") { Content = new StringContent("payload") };
        request.Headers.Add("Authorization", "Bearer abc");
        request.Headers.Add("x-tenant", "t-1");
        request.Headers.Add("x-secret", "s");
        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadAsStringAsync();
        Assert.Equal("alice", HeaderEcho.Header(echo, "x-current-user"));
        Assert.Null(HeaderEcho.Header(echo, "x-not-allowed"));
        Assert.Equal("body: payload", echo.Split('\n').First(l => l.StartsWith("body: ", StringComparison.Ordinal)));
        Assert.Equal("t1", response.Headers.GetValues("x-auth-trace").Single());

        var check = Assert.Single(_checks);
        Assert.Equal("POST", check.Method);
        Assert.Equal("/check/orders?id=7", check.Path);
        Assert.Equal("Bearer abc", check.Headers["Authorization"].ToString());
        Assert.Equal("t-1", check.Headers["x-tenant"].ToString());
        Assert.Equal("yes", check.Headers["x-from-gateway"].ToString());
        Assert.False(check.Headers.ContainsKey("x-secret"));
        Assert.Equal("", check.Body);
        Assert.Equal("0", check.Headers.ContentLength?.ToString() ?? "0");

        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.ok"]);
        Assert.Equal(1, stats["cluster.authz.upstream_rq_2xx"]);
    }

    [Fact]
    public async Task Denied_request_gets_the_services_status_headers_and_body_and_never_reaches_the_upstream()
    {
        _decide = async ctx =>
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers["www-authenticate"] = "Bearer realm=\"x\"";
            ctx.Response.Headers["x-reason"] = "expired";
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"error\":\"expired\"}");
        };
        await using var gw = await TestGateway.StartAsync(Yaml(), null);
        using var response = await gw.Client.GetAsync("/private");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"error\":\"expired\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("expired", response.Headers.GetValues("x-reason").Single());
        Assert.Equal("Bearer realm=\"x\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, _upstreamCalls);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.denied"]);
    }

    [Fact]
    public async Task Service_error_status_is_an_error_answered_with_403()
    {
        _decide = ctx =>
        {
            ctx.Response.StatusCode = 503;
            return Task.CompletedTask;
        };
        await using var gw = await TestGateway.StartAsync(Yaml());
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _upstreamCalls);
        Assert.Equal(1, (await gw.StatsAsync())["cluster.upstream.ext_authz.error"]);
    }

    [Fact]
    public async Task Peer_down_answers_status_on_error_with_flag_UAEX()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("status_on_error: { code: ServiceUnavailable }", ClosedPort.Get()));
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, _upstreamCalls);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.error"]);
        Assert.Equal(1, stats["cluster.authz.upstream_cx_connect_fail"]);
    }

    [Fact]
    public async Task Peer_down_with_failure_mode_allow_lets_the_request_through_marked()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("failure_mode_allow: true\nfailure_mode_allow_header_add: true", ClosedPort.Get()));
        using var response = await gw.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", HeaderEcho.Header(await response.Content.ReadAsStringAsync(), "x-envoy-auth-failure-mode-allowed"));
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.failure_mode_allowed"]);
        Assert.Equal(1, stats["cluster.upstream.ext_authz.error"]);
    }

    [Fact]
    public async Task Slow_peer_times_out_into_status_on_error_and_the_callout_is_counted_as_a_timeout()
    {
        using var release = new CancellationTokenSource();
        _decide = async ctx =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, release.Token);
            }
            catch (OperationCanceledException)
            {
            }
        };
        await using var gw = await TestGateway.StartAsync(Yaml(timeout: "0.5s"));
        using var response = await gw.Client.GetAsync("/x");
        release.Cancel();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.authz.upstream_rq_timeout"]);
        Assert.Equal(0, stats["cluster.authz.upstream_rq_active"]);
    }

    [Fact]
    public async Task Per_route_disabled_skips_the_check()
    {
        _decide = ctx =>
        {
            ctx.Response.StatusCode = 403;
            return Task.CompletedTask;
        };
        var routes = """
            - match: { prefix: "/public" }
              route: { cluster: upstream }
              typed_per_filter_config:
                envoy.filters.http.ext_authz:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                  disabled: true
            """;
        await using var gw = await TestGateway.StartAsync(Yaml(routes: routes));
        using var open = await gw.Client.GetAsync("/public/a");
        using var closed = await gw.Client.GetAsync("/private");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
        Assert.Single(_checks);
        var stats = await gw.StatsAsync();
        Assert.Equal(1, stats["cluster.upstream.ext_authz.disabled"]);
    }

    [Fact]
    public async Task With_request_body_sends_the_body_and_the_upstream_still_gets_it()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("with_request_body: { max_request_bytes: 4, allow_partial_message: true }"));
        using var response = await gw.Client.PostAsync("/p", new StringContent("abcdefgh"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("body: abcdefgh", await response.Content.ReadAsStringAsync());
        var check = Assert.Single(_checks);
        Assert.Equal("abcd", check.Body);
    }

    [Fact]
    public async Task With_request_body_over_the_limit_without_partial_is_413()
    {
        await using var gw = await TestGateway.StartAsync(Yaml("with_request_body: { max_request_bytes: 4 }"));
        using var response = await gw.Client.PostAsync("/p", new StringContent("abcdefgh"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_checks);
        Assert.Equal(0, _upstreamCalls);
    }

    [Fact]
    public async Task Peer_answering_garbage_is_an_error_and_the_gateway_stays_up()
    {
        await using var garbage = new GarbagePeer();
        await using var gw = await TestGateway.StartAsync(Yaml(authzPort: garbage.Port));
        using var first = await gw.Client.GetAsync("/x");
        using var second = await gw.Client.GetAsync("/y");
        Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        var stats = await gw.StatsAsync();
        Assert.Equal(2, stats["cluster.upstream.ext_authz.error"]);
        Assert.Equal(0, stats["cluster.authz.upstream_rq_active"]);
    }
}
