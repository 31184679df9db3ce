using System.Collections.Concurrent;
using DemoUpstream;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Resilience;

/// <summary>Envoy's router retries: internal requests' x-envoy-* headers, bodies replayed up to the buffer limit, back-off, stats.</summary>
public class RouterRetryTests
{
    private const string Internal = EnvoyYaml.InternalLoopbackHcm;

    private static string Yaml(int port, string routeExtra = "", string hcmExtra = "", string vhostExtra = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: up{{routeExtra}} }
        """,
        EnvoyYaml.StaticCluster("up", port),
        hcmExtra: hcmExtra,
        vhostExtra: vhostExtra);

    /// <summary>An upstream answering 503 to the first <paramref name="failures"/> requests, then 200; it records what it saw.</summary>
    private static Task<TinyUpstream> FlakyAsync(int failures, ConcurrentQueue<string> seen, Action<HttpResponse>? onFailure = null)
    {
        var calls = 0;
        return TinyUpstream.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var h = context.Request.Headers;
            seen.Enqueue($"{body}|retry-on={h["x-envoy-retry-on"]}|max={h["x-envoy-max-retries"]}|rq-timeout={h["x-envoy-upstream-rq-timeout-ms"]}|expected={h["x-envoy-expected-rq-timeout-ms"]}");
            if (Interlocked.Increment(ref calls) <= failures)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                onFailure?.Invoke(context.Response);
                return;
            }

            await context.Response.WriteAsync("ok");
        });
    }

    [Fact]
    public async Task InternalRequestRetryHeadersAreHonouredAndConsumed()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(2, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: Internal));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retry-on: 5xx\r\nx-envoy-max-retries: 2\r\nx-envoy-upstream-rq-timeout-ms: 4000\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(3, seen.Count);
        // Consumed by the router; the expected timeout is what is left of the 4s on each retry (Envoy's setTimeoutHeaders).
        Assert.Equal("|retry-on=|max=|rq-timeout=|expected=4000", seen.First());
        Assert.All(seen.Skip(1), s => Assert.Matches(@"^\|retry-on=\|max=\|rq-timeout=\|expected=[1-3]?\d{1,3}$", s));
        var stats = await gateway.StatsAsync();
        Assert.Equal(2, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry_success"]);
    }

    [Theory]
    [InlineData("x-envoy-retry-grpc-on", 2)]
    [InlineData("x-envoy-retry-on", 1)]
    public async Task GrpcRetryWordsCountOnlyInTheGrpcRetryHeader(string header, int attempts)
    {
        // Envoy reads x-envoy-retry-on with parseRetryOn (HTTP words) and x-envoy-retry-grpc-on with parseRetryGrpcOn:
        // "unavailable" in the HTTP header is an unknown word there, so a grpc-status 14 is not retried.
        var calls = 0;
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = Interlocked.Increment(ref calls) == 1 ? "14" : "0";
            await context.Response.Body.FlushAsync();
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: Internal));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            $"GET /a HTTP/1.1\r\nHost: a\r\n{header}: unavailable\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(attempts, Volatile.Read(ref calls));
        Assert.Equal(attempts == 2 ? "0" : "14", response.Header("grpc-status"));
    }

    [Fact]
    public async Task ExternalRequestRetryHeadersAreIgnored()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-retry-on: 5xx\r\nx-envoy-max-retries: 2\r\n\r\n");
        Assert.Equal(503, response.Status);
        Assert.Single(seen);
    }

    [Fact]
    public async Task InternalRequestTimeoutHeaderBoundsTheRequest()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context => await Task.Delay(5000, context.RequestAborted));
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, hcmExtra: Internal));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "GET /a HTTP/1.1\r\nHost: a\r\nx-envoy-upstream-rq-timeout-ms: 200\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("upstream request timeout", response.Body);
    }

    [Fact]
    public async Task RequestsWithABodyAreRetriedWithTheSameBody()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", retry_policy: { retry_on: 5xx, num_retries: 1, retry_back_off: { base_interval: 0.001s } }"));
        var body = new string('b', 20_000);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            $"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.StartsWith(body + "|", s));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry"]);
    }

    [Fact]
    public async Task ABodyOverTheBufferLimitIsNotRetried()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen);
        var yaml = EnvoyYaml.WithRoutes(
            """
            - match: { prefix: "/" }
              route: { cluster: up, retry_policy: { retry_on: 5xx, num_retries: 1 } }
              per_request_buffer_limit_bytes: 100
            """,
            EnvoyYaml.StaticCluster("up", upstream.Port));
        await using var gateway = await TestGateway.StartAsync(yaml);
        var body = new string('b', 1000);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port,
            $"POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal(503, response.Status);
        Assert.Single(seen);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.retry_or_shadow_abandoned"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_retry"]);
    }

    [Fact]
    public async Task RetriesExhaustedCountLimitExceeded()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(10, seen);
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var accessLog =
            "access_log:\n- name: envoy.access_loggers.file\n  typed_config:\n" +
            "    \"@type\": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n" +
            $"    path: {log}\n" +
            "    log_format: { text_format_source: { inline_string: \"%RESPONSE_CODE% %RESPONSE_FLAGS%\\n\" } }\n";
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", retry_policy: { retry_on: 5xx, num_retries: 2, retry_back_off: { base_interval: 0.001s } }", accessLog), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(503, response.Status);
        Assert.Equal(3, seen.Count);
        Assert.Equal("503 URX", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(2, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry_limit_exceeded"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_retry_success"]);
        Assert.Equal(2, stats["cluster.up.upstream_rq_retry_backoff_exponential"]);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task RateLimitedBackOffWaitsForTheResetHeader()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen, r => r.Headers["Retry-After"] = "30");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            """
            , retry_policy: { retry_on: 5xx, num_retries: 1,
                rate_limited_retry_back_off: { reset_headers: [{ name: Retry-After }], max_interval: 60s } }
            """), o => o with { TimeProvider = time });
        var pending = RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("up", out var cluster));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref cluster.Stats.UpstreamRqRetryBackoffRatelimited) == 1);
        // The retry waits at least the 30s the upstream asked for (up to 45s with Envoy's jitter): not before.
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);
        Assert.Single(seen);
        time.Advance(TimeSpan.FromSeconds(17));
        var response = await pending;
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task AResetIntervalOverMaxIntervalFallsBackToExponentialBackOff()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen, r => r.Headers["X-RateLimit-Reset"] = "3600");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            """
            , retry_policy: { retry_on: 5xx, num_retries: 1, retry_back_off: { base_interval: 0.001s },
                rate_limited_retry_back_off: { reset_headers: [{ name: X-RateLimit-Reset, format: SECONDS }], max_interval: 5s } }
            """));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry_backoff_exponential"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_retry_backoff_ratelimited"]);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task ExponentialBackOffWaitsOnTheTimeProvider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await FlakyAsync(1, seen);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", retry_policy: { retry_on: 5xx, num_retries: 1, retry_back_off: { base_interval: 100s, max_interval: 100s } }"),
            o => o with { TimeProvider = time });
        var pending = RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("up", out var cluster));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref cluster.Stats.UpstreamRqRetryBackoffExponential) == 1);
        // A fully jittered delay below 100s: advancing past it lets the retry go.
        time.Advance(TimeSpan.FromSeconds(101));
        var response = await pending;
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task MaxIntervalBelowBaseIntervalIsRefused()
    {
        var yaml = Yaml(TestGateway.RefusedPort(), ", retry_policy: { retry_on: 5xx, retry_back_off: { base_interval: 1s, max_interval: 0.5s } }");
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await TestGateway.StartAsync(yaml));
        Assert.Contains("retry_policy.max_interval must greater than or equal to the base_interval", error.ToString());
    }

    [Fact]
    public async Task OutlierEjectionStatsAreReported()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var dead = TestGateway.RefusedPort();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port, dead], clusterExtra: """
            outlier_detection:
              consecutive_5xx: 2
              base_ejection_time: 30s
              max_ejection_percent: 50
            """));
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/get");
        }

        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.backend.outlier_detection.ejections_active"]);
        Assert.Equal(1, stats["cluster.backend.outlier_detection.ejections_enforced_total"]);
        Assert.Equal(1, stats["cluster.backend.outlier_detection.ejections_detected_consecutive_5xx"]);
        Assert.Equal(1, stats["cluster.backend.outlier_detection.ejections_enforced_consecutive_5xx"]);
        Assert.Equal(0, stats["cluster.backend.outlier_detection.ejections_enforced_consecutive_gateway_failure"]);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task AnIdleConnectionTheUpstreamClosedCountsAsARemoteDestroy()
    {
        // A raw upstream that answers one keep-alive response, then closes the connection itself.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var firstClosed = new TaskCompletionSource();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var buffer = new byte[4096];
                var read = 0;
                while (!System.Text.Encoding.Latin1.GetString(buffer, 0, read).Contains("\r\n\r\n"))
                {
                    read += await stream.ReadAsync(buffer.AsMemory(read));
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
                await Task.Delay(100);
                client.Close();
                firstClosed.TrySetResult();
            }
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(port));
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("up", out var cluster));
        var first = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, first.Status);
        await firstClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Let the FIN reach the gateway's side of the idle connection.
        await Task.Delay(200);
        // The pool finds the closed connection when it is next used and opens another one.
        var second = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, second.Status);
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref cluster.Stats.UpstreamCxDestroy) >= 1);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_cx_destroy_remote"]);
        Assert.Equal(0, stats["cluster.up.upstream_cx_destroy_local"]);
    }
}
