using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Resilience;

/// <summary>The router's timeouts as Envoy's: the route timeout over the whole response, per_try_timeout, max_stream_duration.</summary>
public class RouterTimeoutTests
{
    private static string Yaml(int port, string routeExtra, string hcmExtra = "", string vhostExtra = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: up{{routeExtra}} }
        """,
        EnvoyYaml.StaticCluster("up", port),
        hcmExtra: hcmExtra,
        vhostExtra: vhostExtra);

    private static string AccessLog(string path) =>
        "access_log:\n" +
        "- name: envoy.access_loggers.file\n" +
        "  typed_config:\n" +
        "    \"@type\": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n" +
        $"    path: {path}\n" +
        "    log_format: { text_format_source: { inline_string: \"%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%\\n\" } }\n";

    [Fact]
    public async Task RouteTimeoutCutsAResponseStillStreaming()
    {
        // Envoy's route timeout covers the whole response: headers came in time, the body did not finish.
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            await context.Response.StartAsync();
            for (var i = 0; i < 40; i++)
            {
                await context.Response.WriteAsync("chunk-" + i + "\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(100, context.RequestAborted);
            }

            await context.Response.WriteAsync("the-end\n");
        });
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 0.5s", AccessLog(log)), directory: directory);

        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", gateway.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, guard.Token)) > 0)
            {
                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // The connection was reset rather than closed: cut either way.
        }

        var text = received.ToString();
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.Contains("chunk-0", text);
        Assert.DoesNotContain("the-end", text);
        Assert.DoesNotContain("\r\n0\r\n\r\n", text);
        Assert.Equal("200 UT response_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_timeout"]);
    }

    [InProcessGateway("reads the cluster table of the running snapshot (Host.State)")]
    [Fact]
    public async Task RouteTimeoutBeforeHeadersAnswers504ResponseTimeout()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context => await Task.Delay(5000, context.RequestAborted));
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 0.3s", AccessLog(log)), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("upstream request timeout", response.Body);
        Assert.Equal("504 UT response_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_timeout"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_504"]);
        // The gateway reset the upstream request: a connection it closed itself.
        Assert.True(gateway.Host.State.Current.Clusters.TryGet("up", out var cluster));
        await TestGateway.WaitUntilAsync(() => Interlocked.Read(ref cluster.Stats.UpstreamCxDestroy) == 1);
        Assert.Equal(1, Interlocked.Read(ref cluster.Stats.UpstreamCxDestroyLocal));
    }

    [Fact]
    public async Task RouteTimeoutStartsWhenTheRequestBodyIsComplete()
    {
        // A slow upload longer than the timeout is not cut: Envoy arms the timer at the end of the request.
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync("got " + (await reader.ReadToEndAsync()).Length);
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 0.4s"));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(100);
            await connection.SendAsync("x");
        }

        var response = await connection.ReadResponseAsync();
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("got 10", response.Body);
    }

    [Fact]
    public async Task PerTryTimeoutSetsTheExpectedTimeoutAndIsRetried()
    {
        var calls = 0;
        var expected = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            expected.Enqueue(context.Request.Headers["x-envoy-expected-rq-timeout-ms"].ToString());
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(5000, context.RequestAborted);
            }

            await context.Response.WriteAsync("second");
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", timeout: 10s, retry_policy: { retry_on: 5xx, num_retries: 1, per_try_timeout: 0.3s, retry_back_off: { base_interval: 0.001s } }"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("second", response.Body);
        // Envoy's rule: the per-try timeout when it is the shorter one.
        Assert.Equal("300", expected.First());
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_per_try_timeout"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry"]);
        Assert.Equal(1, stats["cluster.up.upstream_rq_retry_success"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_timeout"]);
    }

    [Fact]
    public async Task PerTryTimeoutNotRetriedAnswers504PerTryDetails()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context => await Task.Delay(5000, context.RequestAborted));
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", retry_policy: { retry_on: retriable-4xx, per_try_timeout: 0.2s }", AccessLog(log)), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("upstream request timeout", response.Body);
        Assert.Equal("504 UT upstream_per_try_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["cluster.up.upstream_rq_per_try_timeout"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_timeout"]);
    }

    [Fact]
    public async Task MaxStreamDurationReplacesTheRouteTimeout()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            await Task.Delay(1000, context.RequestAborted);
            await context.Response.WriteAsync("late " + context.Request.Headers["x-envoy-expected-rq-timeout-ms"]);
        });
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        // With max_stream_duration on the route its timeout (0.2s) no longer applies; the duration (0.3s) does.
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", timeout: 0.2s, max_stream_duration: { max_stream_duration: 0.3s }", AccessLog(log)), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("downstream duration timeout", response.Body);
        Assert.Equal("504 - max_duration_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_max_duration_reached"]);
        Assert.Equal(0, stats["cluster.up.upstream_rq_timeout"]);
    }

    [Fact]
    public async Task GrpcTimeoutHeaderIsTheDurationCappedAndOffset()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            ", max_stream_duration: { grpc_timeout_header_max: 2s, grpc_timeout_header_offset: 0.05s }"));
        var capped = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "POST /pkg.Svc/M HTTP/1.1\r\nHost: a\r\ncontent-type: application/grpc\r\ngrpc-timeout: 10S\r\nContent-Length: 0\r\n\r\n");
        Assert.True(capped.Status == 200, capped.ToString());
        Assert.Equal("1950m", EchoUpstream.SeenHeader(capped, "grpc-timeout"));
        var kept = await RawHttpConnection.ExchangeAsync(gateway.Port,
            "POST /pkg.Svc/M HTTP/1.1\r\nHost: a\r\ncontent-type: application/grpc\r\ngrpc-timeout: 1500m\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal("1450m", EchoUpstream.SeenHeader(kept, "grpc-timeout"));
    }

    [Fact]
    public async Task HcmMaxStreamDurationAppliesWithoutARouteOne()
    {
        await using var upstream = await TinyUpstream.StartAsync(async context => await Task.Delay(5000, context.RequestAborted));
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, ", timeout: 0s",
            "common_http_protocol_options: { max_stream_duration: 0.3s }"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("downstream duration timeout", response.Body);
    }
}
