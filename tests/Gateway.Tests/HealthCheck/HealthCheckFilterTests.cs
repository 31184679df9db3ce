using System.Net;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.HealthCheck;

/// <summary>envoy.filters.http.health_check over real sockets: local answers, admin /healthcheck/fail|ok, pass-through, cache, cluster shares.</summary>
public sealed class HealthCheckFilterTests
{
    private const string Node = "node: { id: gw-1, cluster: front-proxy }\n";

    private static string Filter(string passThrough, string extra = "", string path = "/healthz") => $$"""
        - name: envoy.filters.http.health_check
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck
            pass_through_mode: {{passThrough}}
            headers:
            - name: ":path"
              string_match: { exact: "{{path}}" }
        {{EnvoyYaml.Indent(extra, 4)}}
        """;

    private static string Proxied(string filters, int upstreamPort) =>
        Node + EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: backend }
            """,
            EnvoyYaml.StaticCluster("backend", upstreamPort),
            httpFilters: filters);

    /// <summary>An upstream that counts its requests and answers "upstream" (with the status <c>status</c> gives, else 200).</summary>
    private sealed class CountingUpstream : IAsyncDisposable
    {
        private TinyUpstream _upstream = null!;
        private int _hits;

        public int Port => _upstream.Port;

        public int Hits => Volatile.Read(ref _hits);

        public static async Task<CountingUpstream> StartAsync(Func<int>? status = null)
        {
            var counting = new CountingUpstream();
            counting._upstream = await TinyUpstream.StartAsync(async ctx =>
            {
                Interlocked.Increment(ref counting._hits);
                ctx.Response.StatusCode = status?.Invoke() ?? 200;
                await ctx.Response.WriteAsync("upstream");
            });
            return counting;
        }

        public ValueTask DisposeAsync() => _upstream.DisposeAsync();
    }

    /// <summary>POST /healthcheck/<paramref name="state"/> (fail or ok) on the admin listener; it must succeed.</summary>
    private static async Task SetHealthAsync(TestGateway gateway, string state)
    {
        using var response = await gateway.Admin.PostAsync("/healthcheck/" + state, null);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Answers_health_checks_locally_and_follows_admin_fail_and_ok()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("false"), upstream.Port));

        using (var ok = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("", await ok.Content.ReadAsStringAsync());
            Assert.Equal(0, ok.Content.Headers.ContentLength);
            Assert.Equal("front-proxy", Header(ok, "x-envoy-upstream-healthchecked-cluster"));
            Assert.Null(Header(ok, "x-envoy-immediate-health-check-fail"));
        }

        Assert.Equal(0, upstream.Hits);
        using (var other = await gateway.Client.GetAsync("/healthz/deeper"))
        {
            Assert.Equal("upstream", await other.Content.ReadAsStringAsync());
            Assert.Null(Header(other, "x-envoy-upstream-healthchecked-cluster"));
        }

        Assert.Equal(1, upstream.Hits);

        await SetHealthAsync(gateway, "fail");
        using (var failed = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("", await failed.Content.ReadAsStringAsync());
            Assert.Equal("true", Header(failed, "x-envoy-immediate-health-check-fail"));
            Assert.Equal("front-proxy", Header(failed, "x-envoy-upstream-healthchecked-cluster"));
        }

        // Other traffic is still served, marked so that Envoys health-checking this one drop it at once.
        using (var proxied = await gateway.Client.GetAsync("/anything"))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
            Assert.Equal("upstream", await proxied.Content.ReadAsStringAsync());
            Assert.Equal("true", Header(proxied, "x-envoy-immediate-health-check-fail"));
        }

        using (var ready = await gateway.Admin.GetAsync("/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("DRAINING\n", await ready.Content.ReadAsStringAsync());
        }

        await SetHealthAsync(gateway, "ok");
        using (var again = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Null(Header(again, "x-envoy-immediate-health-check-fail"));
        }

        using (var proxied = await gateway.Client.GetAsync("/anything"))
        {
            Assert.Null(Header(proxied, "x-envoy-immediate-health-check-fail"));
        }

        // Only the three non-health-check requests reached the upstream.
        Assert.Equal(3, upstream.Hits);
    }

    [Fact]
    public async Task Any_method_matches_and_the_query_string_is_part_of_the_path()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("false"), upstream.Port));

        using var post = await gateway.Client.PostAsync("/healthz", new StringContent("probe"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(0, upstream.Hits);

        // Envoy matches :path with its query, so exact /healthz does not take /healthz?full=1.
        using var query = await gateway.Client.GetAsync("/healthz?full=1");
        Assert.Equal("upstream", await query.Content.ReadAsStringAsync());
        Assert.Equal(1, upstream.Hits);
    }

    [Fact]
    public async Task Pass_through_forwards_health_checks_but_a_failing_server_answers_503_itself()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("true"), upstream.Port));

        using (var forwarded = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
            Assert.Equal("upstream", await forwarded.Content.ReadAsStringAsync());
            Assert.Equal("front-proxy", Header(forwarded, "x-envoy-upstream-healthchecked-cluster"));
        }

        Assert.Equal(1, upstream.Hits);

        await SetHealthAsync(gateway, "fail");
        using (var failed = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("", await failed.Content.ReadAsStringAsync());
            Assert.Equal("true", Header(failed, "x-envoy-immediate-health-check-fail"));
        }

        Assert.Equal(1, upstream.Hits);
        await SetHealthAsync(gateway, "ok");
        using (var again = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal("upstream", await again.Content.ReadAsStringAsync());
        }

        Assert.Equal(2, upstream.Hits);
    }

    [Fact]
    public async Task Pass_through_with_cache_time_reuses_the_upstream_answer()
    {
        await using var upstream = await CountingUpstream.StartAsync(status: () => 500);
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("true", "cache_time: 600s"), upstream.Port));

        using (var first = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
            Assert.Equal("upstream", await first.Content.ReadAsStringAsync());
        }

        using (var cached = await gateway.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, cached.StatusCode);
            Assert.Equal("", await cached.Content.ReadAsStringAsync());
            Assert.Equal("front-proxy", Header(cached, "x-envoy-upstream-healthchecked-cluster"));
        }

        Assert.Equal(1, upstream.Hits);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task Cluster_min_healthy_percentages_fail_the_check_for_an_unhealthy_or_missing_cluster()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        var healthChecks = """
            health_checks:
            - timeout: 1s
              interval: 0.2s
              unhealthy_threshold: 1
              healthy_threshold: 1
              http_health_check: { path: /ping }
            """;
        var filters =
            Filter("false", "cluster_min_healthy_percentages: { live: { value: 100 } }", "/healthz-live") +
            Filter("false", "cluster_min_healthy_percentages: { live: { value: 100 }, dead: { value: 50.9 } }", "/healthz-dead") +
            Filter("false", "cluster_min_healthy_percentages: { nowhere: { value: 0 } }", "/healthz-missing");
        var yaml = Node + EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: live }
            """,
            EnvoyYaml.StaticCluster("live", upstream.Port, healthChecks) + EnvoyYaml.StaticCluster("dead", TestGateway.RefusedPort(), healthChecks),
            httpFilters: filters);
        await using var gateway = await TestGateway.StartAsync(yaml);
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("dead", out var dead));
        await TestGateway.WaitUntilAsync(() => dead.Endpoints.HealthyCount == 0);

        using (var live = await gateway.Client.GetAsync("/healthz-live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var unhealthy = await gateway.Client.GetAsync("/healthz-dead"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
            Assert.Equal("", await unhealthy.Content.ReadAsStringAsync());
            // Not failing by the admin: no immediate-fail mark, only the failed check.
            Assert.Null(Header(unhealthy, "x-envoy-immediate-health-check-fail"));
        }

        using (var missing = await gateway.Client.GetAsync("/healthz-missing"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
        }
    }

    [Fact]
    public void Pass_through_mode_is_required()
    {
        var yaml = Proxied("""
            - name: envoy.filters.http.health_check
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck
                headers: [{ name: ":path", string_match: { exact: /healthz } }]
            """, 1);
        var error = Assert.Throws<ConfigException>(() => Load(yaml));
        Assert.Contains("pass_through_mode is required", error.Message);
        Assert.Contains("http_filters[0].typed_config.pass_through_mode", error.Message);
    }

    [Fact]
    public void Cache_time_needs_pass_through_mode()
    {
        var error = Assert.Throws<ConfigException>(() => Load(Proxied(Filter("false", "cache_time: 5s"), 1)));
        Assert.Contains("cache_time must not be set when pass_through_mode is false", error.Message);
    }

    [Fact]
    public void Unknown_field_is_refused()
    {
        var error = Assert.Throws<ConfigException>(() => Load(Proxied(Filter("false", "endpoint: /healthz"), 1)));
        Assert.Contains("endpoint", error.Message);
    }

    private static BootstrapLoadResult Load(string yaml) =>
        BootstrapLoader.Load(yaml, "envoy.yaml", new BootstrapLoadOptions(false, FilterFactories.Create(new GatewayOptions())));
}
