using System.Net;
using Gateway.Tests.Support;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.Cors;

/// <summary>envoy.filters.http.cors over real sockets: local preflights, response headers, per-route policies, legacy cors, shadow mode, stats.</summary>
public sealed class CorsFilterTests
{
    private const string CorsFilter = """
        - name: envoy.filters.http.cors
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
        """;

    // The virtual host's policy; routes below override parts of it.
    private const string HostPolicy = """
        typed_per_filter_config:
          envoy.filters.http.cors:
            "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
            allow_origin_string_match:
            - exact: https://app.example
            - suffix: .trusted.example
            allow_methods: "GET, PUT"
            allow_headers: "x-custom, content-type"
            expose_headers: "x-upstream"
            max_age: "600"
            allow_credentials: true
        """;

    private const string Routes = """
        - match: { prefix: "/off" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.cors:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
              filter_enabled: { default_value: { numerator: 0 } }
        - match: { prefix: "/shadow" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.cors:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
              filter_enabled: { default_value: { numerator: 0 } }
              shadow_enabled: { default_value: { numerator: 100 } }
        - match: { prefix: "/strict" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.cors:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
              allow_origin_string_match: [{ exact: "https://only.example" }]
              allow_methods: "*"
              allow_headers: "*"
              allow_private_network_access: true
              forward_not_matching_preflights: false
        - match: { prefix: "/direct" }
          direct_response: { status: 200, body: { inline_string: "direct" } }
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    private static HttpRequestMessage Preflight(string path, string origin, string method = "PUT", string? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }

        return request;
    }

    private static HttpRequestMessage Get(string path, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static Task<TestGateway> StartAsync(CountingUpstream upstream) =>
        TestGateway.StartAsync(Proxied(CorsFilter, upstream.Port, Routes, HostPolicy));

    [Fact]
    public async Task Preflight_is_answered_locally_with_the_host_policy()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await StartAsync(upstream);

        using var response = await gateway.Client.SendAsync(Preflight("/api", "https://app.example", headers: "x-custom"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.Hits);
        Assert.Equal("https://app.example", Header(response, "access-control-allow-origin"));
        Assert.Equal("GET, PUT", Header(response, "access-control-allow-methods"));
        Assert.Equal("x-custom, content-type", Header(response, "access-control-allow-headers"));
        Assert.Equal("600", Header(response, "access-control-max-age"));
        Assert.Equal("true", Header(response, "access-control-allow-credentials"));
        // Envoy's own encodeHeaders runs on the preflight answer too, adding expose-headers.
        Assert.Equal("x-upstream", Header(response, "access-control-expose-headers"));
    }

    [Fact]
    public async Task Simple_request_from_an_allowed_origin_gets_the_allow_headers_and_others_do_not()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await StartAsync(upstream);

        using (var allowed = await gateway.Client.SendAsync(Get("/api", "https://a.trusted.example")))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal("upstream", await allowed.Content.ReadAsStringAsync());
            Assert.Equal("https://a.trusted.example", Header(allowed, "access-control-allow-origin"));
            Assert.Equal("true", Header(allowed, "access-control-allow-credentials"));
            Assert.Equal("x-upstream", Header(allowed, "access-control-expose-headers"));
        }

        using (var denied = await gateway.Client.SendAsync(Get("/api", "https://evil.example")))
        {
            Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
            Assert.Null(Header(denied, "access-control-allow-origin"));
            Assert.Null(Header(denied, "access-control-expose-headers"));
        }

        using (var noOrigin = await gateway.Client.SendAsync(Get("/api", null)))
        {
            Assert.Null(Header(noOrigin, "access-control-allow-origin"));
        }

        // A preflight from an origin that does not match is forwarded by default (forward_not_matching_preflights).
        using (var forwarded = await gateway.Client.SendAsync(Preflight("/api", "https://evil.example")))
        {
            Assert.Equal("upstream", await forwarded.Content.ReadAsStringAsync());
        }

        Assert.Equal(4, upstream.Hits);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.cors.origin_valid"]);
        Assert.Equal(2, stats["http.ingress_http.cors.origin_invalid"]);
    }

    [Fact]
    public async Task Route_policies_disable_shadow_and_override_the_host_policy()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await StartAsync(upstream);

        // filter_enabled 0 on the route: the preflight goes upstream, nothing is added, nothing counted.
        using (var off = await gateway.Client.SendAsync(Preflight("/off", "https://app.example")))
        {
            Assert.Equal("upstream", await off.Content.ReadAsStringAsync());
            Assert.Null(Header(off, "access-control-allow-origin"));
        }

        // Shadow mode: counted, not enforced.
        using (var shadow = await gateway.Client.SendAsync(Preflight("/shadow", "https://app.example")))
        {
            Assert.Equal("upstream", await shadow.Content.ReadAsStringAsync());
            Assert.Null(Header(shadow, "access-control-allow-origin"));
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.cors.origin_valid"]);

        // The route's origins replace the host's; "*" echoes the request's method and headers; max_age and
        // credentials still come from the host policy.
        var strict = Preflight("/strict", "https://only.example", "DELETE", "x-a, x-b");
        strict.Headers.Add("Access-Control-Request-Private-Network", "true");
        using (var response = await gateway.Client.SendAsync(strict))
        {
            Assert.Equal("", await response.Content.ReadAsStringAsync());
            Assert.Equal("https://only.example", Header(response, "access-control-allow-origin"));
            Assert.Equal("DELETE", Header(response, "access-control-allow-methods"));
            Assert.Equal("x-a, x-b", Header(response, "access-control-allow-headers"));
            Assert.Equal("600", Header(response, "access-control-max-age"));
            Assert.Equal("true", Header(response, "access-control-allow-private-network"));
        }

        // forward_not_matching_preflights: false answers a non-matching preflight here, without allow-origin.
        using (var refused = await gateway.Client.SendAsync(Preflight("/strict", "https://app.example")))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Equal("", await refused.Content.ReadAsStringAsync());
            Assert.Null(Header(refused, "access-control-allow-origin"));
            Assert.Equal("PUT", Header(refused, "access-control-allow-methods"));
        }

        // A direct response is no route entry for Envoy's CORS filter: untouched.
        using (var direct = await gateway.Client.SendAsync(Get("/direct", "https://app.example")))
        {
            Assert.Equal("direct", await direct.Content.ReadAsStringAsync());
            Assert.Null(Header(direct, "access-control-allow-origin"));
        }

        Assert.Equal(2, upstream.Hits);
    }

    [Fact]
    public async Task Legacy_cors_on_the_virtual_host_and_route_action_applies_without_typed_policies()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        const string routes = """
            - match: { prefix: "/route" }
              route:
                cluster: backend
                cors:
                  allow_methods: "POST"
            - match: { prefix: "/" }
              route: { cluster: backend }
            """;
        const string host = """
            cors:
              allow_origin_string_match: [{ prefix: "https://" }]
              allow_methods: "GET"
              max_age: "60"
            """;
        await using var gateway = await TestGateway.StartAsync(Proxied(CorsFilter, upstream.Port, routes, host));

        using (var onHost = await gateway.Client.SendAsync(Preflight("/x", "https://web.example")))
        {
            Assert.Equal("https://web.example", Header(onHost, "access-control-allow-origin"));
            Assert.Equal("GET", Header(onHost, "access-control-allow-methods"));
            Assert.Equal("60", Header(onHost, "access-control-max-age"));
        }

        using (var onRoute = await gateway.Client.SendAsync(Preflight("/route", "https://web.example")))
        {
            Assert.Equal("POST", Header(onRoute, "access-control-allow-methods"));
            Assert.Equal("60", Header(onRoute, "access-control-max-age"));
        }

        Assert.Equal(0, upstream.Hits);
    }
}
