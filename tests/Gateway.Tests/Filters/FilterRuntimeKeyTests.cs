using System.Net;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters;

/// <summary>
/// The runtime keys of filters' RuntimeFractionalPercent and RuntimeFeatureFlag fields (cors, local_ratelimit,
/// csrf, compressor) override their defaults through the layered runtime, as Envoy's featureEnabled does.
/// </summary>
public sealed class FilterRuntimeKeyTests
{
    private const string AdminLayer = """
        layered_runtime:
          layers:
          - name: admin
            admin_layer: {}
        """;

    [Fact]
    public async Task Local_ratelimit_filter_enforced_and_filter_enabled_follow_their_runtime_keys()
    {
        const string filter = """
            - name: envoy.filters.http.local_ratelimit
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                stat_prefix: rl
                token_bucket: { max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s }
                filter_enabled: { runtime_key: rl.enabled, default_value: { numerator: 100 } }
                filter_enforced: { runtime_key: rl.enforced, default_value: { numerator: 100 } }
            """;
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port) + AdminLayer);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "/"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, "/"));

        await RuntimeModifyAsync(gateway, "rl.enforced=0");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "/"));
        var stats = await gateway.StatsAsync();
        Assert.Equal(2, stats["rl.http_local_rate_limit.rate_limited"]);
        Assert.Equal(1, stats["rl.http_local_rate_limit.enforced"]);

        await RuntimeModifyAsync(gateway, "rl.enforced=100&rl.enabled=0");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "/"));
        Assert.Equal(3, (await gateway.StatsAsync())["rl.http_local_rate_limit.enabled"]);
    }

    [Fact]
    public async Task Cors_filter_enabled_runtime_key_turns_the_local_preflight_off()
    {
        const string filter = """
            - name: envoy.filters.http.cors
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
            """;
        const string policy = """
            typed_per_filter_config:
              envoy.filters.http.cors:
                "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
                allow_origin_string_match: [{ exact: "https://app.example" }]
                allow_methods: "GET, PUT"
                filter_enabled: { runtime_key: cors.www.enabled, default_value: { numerator: 100 } }
            """;
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port, vhostExtra: policy) + AdminLayer);

        using (var local = await gateway.Client.SendAsync(Preflight()))
        {
            Assert.Equal("https://app.example", Header(local, "access-control-allow-origin"));
            Assert.Equal(0, upstream.Hits);
        }

        await RuntimeModifyAsync(gateway, "cors.www.enabled=0");
        using (var forwarded = await gateway.Client.SendAsync(Preflight()))
        {
            Assert.Equal("upstream", await forwarded.Content.ReadAsStringAsync());
            Assert.Null(Header(forwarded, "access-control-allow-origin"));
            Assert.Equal(1, upstream.Hits);
        }
    }

    [Fact]
    public async Task Csrf_filter_enabled_runtime_key_turns_the_check_on()
    {
        const string filter = """
            - name: envoy.filters.http.csrf
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.csrf.v3.CsrfPolicy
                filter_enabled: { runtime_key: csrf.enabled, default_value: { numerator: 0 } }
            """;
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port) + AdminLayer);

        Assert.Equal(HttpStatusCode.OK, await CrossOriginPostAsync(gateway));

        await RuntimeModifyAsync(gateway, "csrf.enabled=100");
        Assert.Equal(HttpStatusCode.Forbidden, await CrossOriginPostAsync(gateway));
    }

    [Fact]
    public async Task Compressor_enabled_flag_follows_its_runtime_key()
    {
        const string filter = """
            - name: envoy.filters.http.compressor
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor
                response_direction_config:
                  common_config:
                    enabled: { default_value: false, runtime_key: gzip.enabled }
                compressor_library:
                  name: text_optimized
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip
            """;
        await using var upstream = await TinyUpstream.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync(new string('z', 4096));
        });
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port) + AdminLayer);

        Assert.Null(await ContentEncodingAsync(gateway));

        await RuntimeModifyAsync(gateway, "gzip.enabled=true");
        Assert.Equal("gzip", await ContentEncodingAsync(gateway));
    }

    private static HttpRequestMessage Preflight()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api");
        request.Headers.Add("Origin", "https://app.example");
        request.Headers.Add("Access-Control-Request-Method", "PUT");
        return request;
    }

    private static async Task<HttpStatusCode> StatusAsync(TestGateway gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> CrossOriginPostAsync(TestGateway gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/form") { Content = new StringContent("x") };
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string?> ContentEncodingAsync(TestGateway gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/text");
        request.Headers.Add("Accept-Encoding", "gzip");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Content.Headers.ContentEncoding.FirstOrDefault();
    }

    private static async Task RuntimeModifyAsync(TestGateway gateway, string query)
    {
        using var response = await gateway.Admin.PostAsync("/runtime_modify?" + query, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
