using System.Net;
using Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Tests.Filters.FilterTestSupport;

namespace Gateway.Tests.Filters.Fault;

/// <summary>envoy.filters.http.fault over real sockets: aborts, header faults, delays on a fake clock, max_active_faults, per-route config.</summary>
public sealed class FaultFilterTests
{
    private static string Filter(string body) => $$"""
        - name: envoy.filters.http.fault
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
        {{EnvoyYaml.Indent(body, 4)}}
        """;

    private static HttpRequestMessage Get(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    private static async Task<long> StatAsync(TestGateway gateway, string name) =>
        (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.fault." + name);

    /// <summary>Waits until <paramref name="count"/> requests hold an active fault (a delay on the fake clock).</summary>
    private static async Task WaitForActiveFaultsAsync(TestGateway gateway, long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await StatAsync(gateway, "active_faults") != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"active_faults never reached {count}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_fixed_abort_answers_locally_with_fault_filter_abort()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("abort: { http_status: 503, percentage: { numerator: 100 } }"), upstream.Port));

        using var response = await gateway.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("fault filter abort", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.Hits);
        Assert.Equal(1, await StatAsync(gateway, "aborts_injected"));
        Assert.Equal(0, await StatAsync(gateway, "active_faults"));
    }

    [Fact]
    public async Task Header_aborts_follow_the_request_headers_and_per_downstream_cluster_stats()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("abort: { header_abort: {}, percentage: { numerator: 100 } }"), upstream.Port));

        using (var none = await gateway.Client.SendAsync(Get("/")))
        {
            Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        }

        using (var teapot = await gateway.Client.SendAsync(Get("/", ("x-envoy-fault-abort-request", "418"), ("x-envoy-downstream-service-cluster", "web"))))
        {
            Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
            Assert.Equal("fault filter abort", await teapot.Content.ReadAsStringAsync());
        }

        // The percentage header can lower the share to nothing.
        using (var zero = await gateway.Client.SendAsync(Get("/", ("x-envoy-fault-abort-request", "500"), ("x-envoy-fault-abort-request-percentage", "0"))))
        {
            Assert.Equal(HttpStatusCode.OK, zero.StatusCode);
        }

        // Out of range codes are ignored, as Envoy does.
        using (var invalid = await gateway.Client.SendAsync(Get("/", ("x-envoy-fault-abort-request", "700"))))
        {
            Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        }

        Assert.Equal(3, upstream.Hits);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.fault.aborts_injected"]);
        Assert.Equal(1, stats["http.ingress_http.fault.web.aborts_injected"]);
    }

    [Fact]
    public async Task A_grpc_abort_gives_a_grpc_request_http_200_with_that_grpc_status()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Proxied(Filter("abort: { grpc_status: 8, percentage: { numerator: 100 } }"), upstream.Port));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pkg.Service/Method")
        {
            Content = new ByteArrayContent(new byte[5]) { Headers = { { "Content-Type", "application/grpc" } } },
        };

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8", Header(response, "grpc-status"));
        Assert.Equal("fault filter abort", Header(response, "grpc-message"));
        Assert.Equal(0, upstream.Hits);
    }

    [Fact]
    public async Task A_header_delay_waits_on_the_clock_and_max_active_faults_lets_others_through()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        var filter = Filter("""
            delay: { header_delay: {}, percentage: { numerator: 100 } }
            max_active_faults: 1
            """);
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port), o => o with { TimeProvider = clock });

        var delayed = gateway.Client.SendAsync(Get("/", ("x-envoy-fault-delay-request", "5000")));
        await WaitForActiveFaultsAsync(gateway, 1);
        Assert.False(delayed.IsCompleted);
        Assert.Equal(0, upstream.Hits);

        // The one allowed fault is active: another delay request overflows and is not delayed.
        using (var overflow = await gateway.Client.SendAsync(Get("/", ("x-envoy-fault-delay-request", "5000"))))
        {
            Assert.Equal(HttpStatusCode.OK, overflow.StatusCode);
        }

        Assert.Equal(1, await StatAsync(gateway, "faults_overflow"));
        clock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(delayed.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using (var response = await delayed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("upstream", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(2, upstream.Hits);
        Assert.Equal(1, await StatAsync(gateway, "delays_injected"));
        Assert.Equal(0, await StatAsync(gateway, "active_faults"));
    }

    [Fact]
    public async Task A_fixed_delay_followed_by_an_abort()
    {
        var clock = new FakeTimeProvider();
        await using var upstream = await CountingUpstream.StartAsync();
        var filter = Filter("""
            delay: { fixed_delay: 2s, percentage: { numerator: 100 } }
            abort: { http_status: 504, percentage: { numerator: 100 } }
            """);
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port), o => o with { TimeProvider = clock });

        var delayed = gateway.Client.GetAsync("/");
        await WaitForActiveFaultsAsync(gateway, 1);
        clock.Advance(TimeSpan.FromSeconds(2));
        using var response = await delayed;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("fault filter abort", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, upstream.Hits);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.fault.delays_injected"]);
        Assert.Equal(1, stats["http.ingress_http.fault.aborts_injected"]);
        Assert.Equal(0, stats["http.ingress_http.fault.active_faults"]);
    }

    [Fact]
    public async Task Per_route_faults_replace_the_filters_and_matchers_select_requests()
    {
        await using var upstream = await CountingUpstream.StartAsync();
        var filter = Filter("""
            abort: { http_status: 500, percentage: { numerator: 100 } }
            headers: [{ name: x-chaos, present_match: true }]
            """);
        const string routes = """
            - match: { prefix: "/route-fault" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
                  abort: { http_status: 403, percentage: { numerator: 100 } }
            - match: { prefix: "/other-cluster" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
                  abort: { http_status: 403, percentage: { numerator: 100 } }
                  upstream_cluster: elsewhere
            - match: { prefix: "/off" }
              route: { cluster: backend }
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                  disabled: true
            - match: { prefix: "/" }
              route: { cluster: backend }
            """;
        await using var gateway = await TestGateway.StartAsync(Proxied(filter, upstream.Port, routes));

        async Task<HttpStatusCode> StatusOf(string path, bool chaos)
        {
            using var response = await gateway.Client.SendAsync(chaos ? Get(path, ("x-chaos", "1")) : Get(path));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOf("/", chaos: false));
        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOf("/", chaos: true));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOf("/route-fault", chaos: false));
        Assert.Equal(HttpStatusCode.OK, await StatusOf("/other-cluster", chaos: true));
        Assert.Equal(HttpStatusCode.OK, await StatusOf("/off", chaos: true));
    }
}
