using System.Net;
using Gateway.Filters.LocalRateLimit;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.LocalRateLimit;

/// <summary>envoy.filters.http.local_ratelimit over real sockets, with a fake clock for the refill.</summary>
public sealed class LocalRateLimitFilterTests
{
    private static string Filter(string extra = "", string enforced = "100") => $$"""
        - name: envoy.filters.http.local_ratelimit
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
            stat_prefix: http_local_rate_limiter
            token_bucket: { max_tokens: 2, tokens_per_fill: 2, fill_interval: 10s }
            filter_enabled: { runtime_key: rl_enabled, default_value: { numerator: 100, denominator: HUNDRED } }
            filter_enforced: { runtime_key: rl_enforced, default_value: { numerator: {{enforced}}, denominator: HUNDRED } }
            response_headers_to_add:
            - append_action: OVERWRITE_IF_EXISTS_OR_ADD
              header: { key: x-local-rate-limit, value: "true" }
        {{EnvoyYaml.Indent(extra, 4)}}
        """;

    private static Task<TestGateway> StartAsync(string yaml, FakeTimeProvider clock) =>
        TestGateway.StartAsync(yaml, o => o with { TimeProvider = clock });

    [Fact]
    public async Task Over_the_bucket_answers_429_local_rate_limited_until_the_clock_refills_it()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await StartAsync(Proxied(Filter(), upstream.Port), clock);

        for (var i = 0; i < 2; i++)
        {
            using var ok = await gateway.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Null(Header(ok, "x-local-rate-limit"));
        }

        using (var limited = await gateway.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("local_rate_limited", await limited.Content.ReadAsStringAsync());
            Assert.Equal("true", Header(limited, "x-local-rate-limit"));
            // Envoy's local rate limit filter does not send x-envoy-ratelimited (only the global one does).
            Assert.Null(Header(limited, "x-envoy-ratelimited"));
        }

        Assert.Equal(2, upstream.Hits);
        clock.Advance(TimeSpan.FromSeconds(5)); // 2 tokens per 10 s: one token back
        using (var refilled = await gateway.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
        }

        using (var again = await gateway.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(5, stats["http_local_rate_limiter.http_local_rate_limit.enabled"]);
        Assert.Equal(3, stats["http_local_rate_limiter.http_local_rate_limit.ok"]);
        Assert.Equal(2, stats["http_local_rate_limiter.http_local_rate_limit.rate_limited"]);
        Assert.Equal(2, stats["http_local_rate_limiter.http_local_rate_limit.enforced"]);
    }

    [Fact]
    public async Task Not_enforced_requests_go_upstream_with_the_not_enforced_headers()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        var filter = Filter("""
            request_headers_to_add_when_not_enforced:
            - header: { key: x-would-be-limited, value: "yes" }
            """, enforced: "0");
        await using var gateway = await StartAsync(Proxied(filter, upstream.Port), clock);

        for (var i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(i < 2 ? null : "yes", upstream.LastHeaders?["x-would-be-limited"].ToString() is { Length: > 0 } v ? v : null);
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http_local_rate_limiter.http_local_rate_limit.rate_limited"]);
        Assert.Equal(0, stats["http_local_rate_limiter.http_local_rate_limit.enforced"]);
    }

    [Fact]
    public async Task X_ratelimit_headers_report_the_bucket_on_answers_and_on_the_429()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await StartAsync(Proxied(Filter("enable_x_ratelimit_headers: DRAFT_VERSION_03"), upstream.Port), clock);

        using (var first = await gateway.Client.GetAsync("/"))
        {
            Assert.Equal("2", Header(first, "x-ratelimit-limit"));
            Assert.Equal("1", Header(first, "x-ratelimit-remaining"));
            Assert.Equal("0", Header(first, "x-ratelimit-reset"));
        }

        using (var second = await gateway.Client.GetAsync("/"))
        {
            Assert.Equal("0", Header(second, "x-ratelimit-remaining"));
            // One token takes 5 s at 2 tokens per 10 s.
            Assert.Equal("5", Header(second, "x-ratelimit-reset"));
        }

        using var limited = await gateway.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("2", Header(limited, "x-ratelimit-limit"));
        Assert.Equal("0", Header(limited, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task Per_route_configs_have_their_own_bucket_status_and_stats_and_FilterConfig_disables_the_filter()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        const string routes = """
            - match: { prefix: "/strict" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.local_ratelimit:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                  stat_prefix: strict_route
                  status: { code: ServiceUnavailable }
                  token_bucket: { max_tokens: 1, fill_interval: 60s }
                  filter_enabled: { default_value: { numerator: 100 } }
                  filter_enforced: { default_value: { numerator: 100 } }
            - match: { prefix: "/free" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.local_ratelimit:
                  "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                  disabled: true
            - match: { prefix: "/" }
              route: { cluster: backend }
            """;
        await using var gateway = await StartAsync(Proxied(Filter(), upstream.Port, routes), clock);

        using (var first = await gateway.Client.GetAsync("/strict"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var limited = await gateway.Client.GetAsync("/strict"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, limited.StatusCode);
            Assert.Equal("local_rate_limited", await limited.Content.ReadAsStringAsync());
            // The per-route config has no response_headers_to_add: the filter's are not merged in.
            Assert.Null(Header(limited, "x-local-rate-limit"));
        }

        // The filter's own bucket is untouched by the route's.
        for (var i = 0; i < 2; i++)
        {
            using var ok = await gateway.Client.GetAsync("/other");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 5; i++)
        {
            using var free = await gateway.Client.GetAsync("/free");
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["strict_route.http_local_rate_limit.rate_limited"]);
        Assert.Equal(1, stats["strict_route.http_local_rate_limit.ok"]);
        Assert.Equal(2, stats["http_local_rate_limiter.http_local_rate_limit.ok"]);
        Assert.Equal(0, stats["http_local_rate_limiter.http_local_rate_limit.rate_limited"]);
    }

    [Fact]
    public void The_bucket_refills_continuously_up_to_max_tokens()
    {
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(new TokenBucketConfig(3, 1, TimeSpan.FromSeconds(1)), clock);

        Assert.True(bucket.TryConsume());
        Assert.True(bucket.TryConsume());
        Assert.True(bucket.TryConsume());
        Assert.False(bucket.TryConsume());
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(bucket.TryConsume());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryConsume());
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(bucket.TryConsume());
        Assert.Equal(2u, bucket.RemainingTokens);
    }
}
