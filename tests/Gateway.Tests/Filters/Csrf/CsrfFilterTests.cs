using System.Net;
using Gateway.Filters.Csrf;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Csrf;

/// <summary>envoy.filters.http.csrf: 403 Invalid origin for cross-origin mutations, shadow mode, additional origins, per-route policy, stats.</summary>
public sealed class CsrfFilterTests
{
    private const string Filter = """
        - name: envoy.filters.http.csrf
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.csrf.v3.CsrfPolicy
            filter_enabled:
              default_value: { numerator: 100, denominator: HUNDRED }
              runtime_key: csrf.enabled
            additional_origins:
            - exact: trusted.example.com
        """;

    private const string Routes = """
        - match: { prefix: "/shadow" }
          route: { cluster: backend }
          typed_per_filter_config:
            envoy.filters.http.csrf:
              "@type": type.googleapis.com/envoy.extensions.filters.http.csrf.v3.CsrfPolicy
              filter_enabled: { default_value: { numerator: 0 } }
              shadow_enabled: { default_value: { numerator: 100 } }
        - match: { prefix: "/" }
          route: { cluster: backend }
        """;

    private static async Task<HttpResponseMessage> SendAsync(TestGateway gateway, HttpMethod method, string path, string? origin, string? referer = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("origin", origin);
        }

        if (referer is not null)
        {
            request.Headers.TryAddWithoutValidation("referer", referer);
        }

        return await gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Cross_origin_mutations_are_refused_and_same_origin_or_safe_methods_pass()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));
        var self = $"http://127.0.0.1:{gateway.Port}";

        using (var evil = await SendAsync(gateway, HttpMethod.Post, "/a", "http://evil.example.com"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, evil.StatusCode);
            Assert.Equal("Invalid origin", await evil.Content.ReadAsStringAsync());
        }

        using (var missing = await SendAsync(gateway, HttpMethod.Delete, "/a", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Post, "/a", self)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Put, "/a", null, self + "/page?x=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Patch, "/a", "https://trusted.example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Get, "/a", "http://evil.example.com")).StatusCode);

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.csrf.missing_source_origin"]);
        Assert.Equal(2, stats["http.ingress_http.csrf.request_invalid"]);
        Assert.Equal(3, stats["http.ingress_http.csrf.request_valid"]);
    }

    [Fact]
    public async Task A_route_in_shadow_mode_counts_but_lets_the_request_through()
    {
        await using var upstream = await TinyUpstream.StartAsync(_ => Task.CompletedTask);
        await using var gateway = await TestGateway.StartAsync(FilterTestSupport.Yaml(Filter, upstream.Port, Routes));

        using var response = await SendAsync(gateway, HttpMethod.Post, "/shadow", "http://evil.example.com");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await gateway.StatsAsync())["http.ingress_http.csrf.request_invalid"]);
    }

    [Fact]
    public void Config_requires_filter_enabled_and_a_default_value()
    {
        var settings = FilterTestSupport.SettingsOf<CsrfPolicySettings>(Filter);
        Assert.Equal(100u, settings.FilterEnabled.Default.Numerator);
        Assert.Single(settings.AdditionalOrigins);

        var error = FilterTestSupport.LoadError("""
            - name: envoy.filters.http.csrf
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.csrf.v3.CsrfPolicy
                shadow_enabled: { default_value: { numerator: 10 } }
            """);
        Assert.Contains("filter_enabled is required", error);
        error = FilterTestSupport.LoadError(Filter.Replace("      default_value: { numerator: 100, denominator: HUNDRED }\n", ""));
        Assert.Contains("filter_enabled: missing required field 'default_value'", error);
    }
}
