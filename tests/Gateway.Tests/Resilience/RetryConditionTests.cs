using System.Collections.Concurrent;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Resilience;

/// <summary>
/// retry_policy's header conditions and host selection as Envoy's RetryStateImpl has them: retriable_headers,
/// retriable_request_headers, the internal x-envoy-retriable-header-names / -status-codes headers, and
/// retry_host_predicate (previous_hosts, omit_canary_hosts, omit_host_metadata with host_selection_retry_max_attempts).
/// </summary>
public class RetryConditionTests
{
    private const string Internal = EnvoyYaml.InternalLoopbackHcm;

    private static string Yaml(int port, string routeExtra, string hcmExtra = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: up{{routeExtra}} }
        """,
        EnvoyYaml.StaticCluster("up", port),
        hcmExtra: hcmExtra,
        vhostExtra: "include_request_attempt_count: true");

    /// <summary>An upstream whose first <paramref name="marked"/> answers are 200 with <paramref name="header"/> set (or the status given); it records attempts.</summary>
    private static Task<TinyUpstream> MarkingAsync(int marked, ConcurrentQueue<string> seen, string header = "x-upstream-retry", int markedStatus = 200)
    {
        var calls = 0;
        return TinyUpstream.StartAsync(async context =>
        {
            var h = context.Request.Headers;
            seen.Enqueue($"attempt={h["x-envoy-attempt-count"]}|names={h["x-envoy-retriable-header-names"]}|codes={h["x-envoy-retriable-status-codes"]}");
            if (Interlocked.Increment(ref calls) <= marked)
            {
                context.Response.StatusCode = markedStatus;
                context.Response.Headers[header] = "yes";
                await context.Response.WriteAsync("marked");
                return;
            }

            await context.Response.WriteAsync("ok");
        });
    }

    [Fact]
    public async Task AResponseMatchingRetriableHeadersIsRetried()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: retriable-headers, num_retries: 2, retry_back_off: { base_interval: 0.001s },
                retriable_headers: [{ name: X-Upstream-Retry, string_match: { exact: "yes" } }] }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200 && response.Body == "ok", response.ToString());
        Assert.Equal(["attempt=1|names=|codes=", "attempt=2|names=|codes="], seen.ToArray());
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry_success"]);
    }

    [Fact]
    public async Task RetriableHeadersNeedTheRetriableHeadersCondition()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: 5xx, num_retries: 2, retriable_headers: [{ name: x-upstream-retry }] }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200 && response.Body == "marked", response.ToString());
        Assert.Single(seen);
    }

    [Fact]
    public async Task RetriableHeadersMatchTheStatusPseudoHeader()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen, markedStatus: 429);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: retriable-headers, num_retries: 1, retry_back_off: { base_interval: 0.001s },
                retriable_headers: [{ name: ":status", range_match: { start: 420, end: 430 } }] }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task OnlyRequestsMatchingRetriableRequestHeadersAreRetried()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(100, seen, markedStatus: 503);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: 5xx, num_retries: 1, retry_back_off: { base_interval: 0.001s },
                retriable_request_headers: [{ name: ":method", string_match: { exact: GET } }, { name: x-retry-me }] }
            """));
        var post = await RawHttpConnection.ExchangeAsync(gateway.Port, "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(503, post.Status);
        Assert.Single(seen);
        var postMarked = await RawHttpConnection.ExchangeAsync(gateway.Port, "POST /a HTTP/1.1\r\nHost: a\r\nx-retry-me: 1\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(503, postMarked.Status);
        Assert.Equal(3, seen.Count);
        var get = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(503, get.Status);
        Assert.Equal(5, seen.Count);
        var stats = await gateway.StatsAsync();
        // The unmatched POST has no retry state at all: no retry and no limit counted for it.
        Assert.Equal(2, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(2, stats["cluster.up.upstream_rq_retry_limit_exceeded"]);
    }

    [Fact]
    public async Task RetriableRequestHeadersAlsoGateTheInternalRetryHeaders()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(100, seen, markedStatus: 503);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: connect-failure, retriable_request_headers: [{ name: x-retry-me }] }
            """, Internal));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retry-on: 5xx\r\nx-envoy-max-retries: 3\r\n\r\n");
        Assert.Equal(503, response.Status);
        Assert.Single(seen);
    }

    [Fact]
    public async Task InternalRequestsNameRetriableHeadersAndStatusCodes()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen, header: "x-try-again");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "", Internal));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retry-on: retriable-headers\r\nx-envoy-retriable-header-names: x-other, X-Try-Again\r\n\r\n");
        Assert.True(response.Status == 200 && response.Body == "ok", response.ToString());
        // Consumed by the router: the upstream never sees them.
        Assert.Equal(["attempt=1|names=|codes=", "attempt=2|names=|codes="], seen.ToArray());

        var seenCodes = new ConcurrentQueue<string>();
        await using var teapot = await MarkingAsync(1, seenCodes, markedStatus: 418);
        await using var gateway2 = await TestGateway.StartAsync(Yaml(teapot.Port, "", Internal));
        var second = await RawHttpConnection.ExchangeAsync(gateway2.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retry-on: retriable-status-codes\r\nx-envoy-retriable-status-codes: 500,418\r\n\r\n");
        Assert.True(second.Status == 200, second.ToString());
        Assert.Equal(["attempt=1|names=|codes=", "attempt=2|names=|codes="], seenCodes.ToArray());
    }

    [Fact]
    public async Task ExternalRequestsCannotNameRetriableHeaders()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen, header: "x-try-again");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ", retry_policy: { retry_on: retriable-headers }"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retriable-header-names: x-try-again\r\n\r\n");
        Assert.True(response.Status == 200 && response.Body == "marked", response.ToString());
        Assert.Single(seen);
    }

    /// <summary>Two hosts: one answering 503 always, one 200; which attempt each got is recorded.</summary>
    private static async Task<(TinyUpstream Bad, TinyUpstream Good, ConcurrentQueue<string> Seen)> TwoHostsAsync()
    {
        var seen = new ConcurrentQueue<string>();
        var bad = await TinyUpstream.StartAsync(context =>
        {
            seen.Enqueue("bad:" + context.Request.Headers["x-envoy-attempt-count"]);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        var good = await TinyUpstream.StartAsync(context =>
        {
            seen.Enqueue("good:" + context.Request.Headers["x-envoy-attempt-count"]);
            return context.Response.WriteAsync("ok");
        });
        return (bad, good, seen);
    }

    private static string TwoHostYaml(int badPort, int goodPort, string predicates, string metadataBad = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route:
            cluster: up
            retry_policy:
              retry_on: 5xx
              num_retries: 1
              retry_back_off: { base_interval: 0.001s }
        {{EnvoyYaml.Indent(predicates, 6)}}
        """,
        $$"""
        - name: up
          type: STATIC
          connect_timeout: 1s
          lb_policy: RANDOM
          load_assignment:
            cluster_name: up
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{badPort}} } } }
        {{EnvoyYaml.Indent(metadataBad, 6)}}
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: {{goodPort}} } } }
        """,
        vhostExtra: "include_request_attempt_count: true");

    /// <summary>
    /// 20 requests all answered 200: random balancing sends about half the first attempts to the bad host, and no
    /// retry goes back to it (61 picks that all land on it: 2^-61).
    /// </summary>
    private static async Task AssertRetriesAvoidTheBadHostAsync(TestGateway gateway, ConcurrentQueue<string> seen)
    {
        for (var i = 0; i < 20; i++)
        {
            var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.True(response.Status == 200, response.ToString());
        }

        Assert.DoesNotContain("bad:2", seen);
        Assert.Contains("bad:1", seen);
    }

    [Fact]
    public async Task PreviousHostsSendsTheRetryToAnotherHost()
    {
        var (bad, good, seen) = await TwoHostsAsync();
        await using var _ = bad;
        await using var __ = good;
        await using var gateway = await TestGateway.StartAsync(TwoHostYaml(bad.Port, good.Port, """
            retry_host_predicate:
            - name: envoy.retry_host_predicates.previous_hosts
              typed_config: { "@type": type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate }
            host_selection_retry_max_attempts: 60
            """));
        await AssertRetriesAvoidTheBadHostAsync(gateway, seen);
        var retried = seen.Count(s => s == "bad:1");
        Assert.Equal(retried, seen.Count(s => s == "good:2"));
        var stats = await gateway.StatsAsync();
        Assert.Equal(retried, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(retried, stats["cluster.up.upstream_rq_retry_success"]);
    }

    [Fact]
    public async Task WithOneHostPreviousHostsRetriesTheSameHost()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(1, seen, markedStatus: 503);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, """
            , retry_policy: { retry_on: 5xx, retry_back_off: { base_interval: 0.001s },
                retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }] }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task OmitCanaryHostsKeepsRetriesOffCanaries()
    {
        var (bad, good, seen) = await TwoHostsAsync();
        await using var _ = bad;
        await using var __ = good;
        await using var gateway = await TestGateway.StartAsync(TwoHostYaml(bad.Port, good.Port, """
            retry_host_predicate:
            - name: envoy.retry_host_predicates.omit_canary_hosts
              typed_config: { "@type": type.googleapis.com/envoy.extensions.retry.host.omit_canary_hosts.v3.OmitCanaryHostsPredicate }
            host_selection_retry_max_attempts: 60
            """, "  metadata: { filter_metadata: { envoy.lb: { canary: true } } }"));
        await AssertRetriesAvoidTheBadHostAsync(gateway, seen);
    }

    [Fact]
    public async Task OmitHostMetadataKeepsRetriesOffMatchingHosts()
    {
        var (bad, good, seen) = await TwoHostsAsync();
        await using var _ = bad;
        await using var __ = good;
        await using var gateway = await TestGateway.StartAsync(TwoHostYaml(bad.Port, good.Port, """
            retry_host_predicate:
            - name: envoy.retry_host_predicates.omit_host_metadata
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig
                metadata_match: { filter_metadata: { envoy.lb: { zone: sick } } }
            host_selection_retry_max_attempts: 60
            """, "  metadata: { filter_metadata: { envoy.lb: { zone: sick, version: v1 } } }"));
        await AssertRetriesAvoidTheBadHostAsync(gateway, seen);
    }

    [Fact]
    public async Task AnUnknownHostPredicateIsRefusedByName()
    {
        var yaml = Yaml(TestGateway.RefusedPort(), """
            , retry_policy: { retry_on: 5xx, retry_host_predicate: [{ name: envoy.retry_host_predicates.made_up }] }
            """);
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await TestGateway.StartAsync(yaml));
        Assert.Contains("retry host predicate 'envoy.retry_host_predicates.made_up' is not supported", error.ToString());
    }

    [Fact]
    public async Task HedgePolicyDefaultsAreAcceptedAndHedgingIsRefusedByName()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await MarkingAsync(0, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", hedge_policy: { initial_requests: 1, additional_request_chance: { numerator: 0 }, hedge_on_per_try_timeout: false }"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, response.Status);

        var yaml = Yaml(TestGateway.RefusedPort(), ", hedge_policy: { hedge_on_per_try_timeout: true }");
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await TestGateway.StartAsync(yaml));
        Assert.Contains("'hedge_on_per_try_timeout' of envoy.config.route.v3.HedgePolicy is not supported", error.ToString());
    }
}
