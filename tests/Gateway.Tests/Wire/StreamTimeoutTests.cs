using System.Text;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Wire;

/// <summary>
/// The HCM's stream_idle_timeout and request_timeout and the route's idle_timeout, as Envoy's
/// ActiveStream::onIdleTimeout / onRequestTimeout answer them: 408 before the request is complete,
/// 504 after (Utility::maybeRequestTimeoutCode), a reset once the response has begun.
/// </summary>
public class StreamTimeoutTests
{
    private const string LogFormat = "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%";

    private static string Yaml(int upstreamPort, string logPath, string hcmExtra = "", string routeExtra = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: slow{{routeExtra}} }
        """,
        EnvoyYaml.StaticCluster("slow", upstreamPort),
        hcmExtra: hcmExtra + AccessLog(logPath));

    internal static string AccessLog(string path) =>
        "\naccess_log:\n" +
        "- name: envoy.access_loggers.file\n" +
        "  typed_config:\n" +
        "    \"@type\": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n" +
        $"    path: {path}\n" +
        $"    log_format: {{ text_format_source: {{ inline_string: \"{LogFormat}\\n\" }} }}\n";

    /// <summary>An upstream that never answers; <paramref name="cancelled"/> completes when the gateway gives up on it.</summary>
    internal static Task<TinyUpstream> HangingUpstreamAsync(TaskCompletionSource cancelled, TaskCompletionSource? received = null) =>
        TinyUpstream.StartAsync(async context =>
        {
            received?.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
            }
        });

    [Fact]
    public async Task AnUpstreamSilentPastStreamIdleTimeoutGets504StreamTimeoutAndIsCancelled()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HangingUpstreamAsync(cancelled);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0.3s"), directory: directory);

        // The request is complete (no body), so Envoy answers 504, not 408.
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("stream timeout", response.Body);
        Assert.Equal("text/plain", response.Header("content-type"));
        Assert.Equal("envoy", response.Header("server"));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("504 SI stream_idle_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_idle_timeout"]);
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_5xx"]);
    }

    [Fact]
    public async Task ABodyThatStopsArrivingGets408StreamTimeout()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HangingUpstreamAsync(cancelled);
        var captured = new CapturedLog();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0.3s"), o => o with { LogSinks = [captured] }, directory: directory);
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
        var response = await connection.ReadResponseAsync();
        Assert.Equal(408, response.Status);
        Assert.Equal("stream timeout", response.Body);
        Assert.Equal("408 SI stream_idle_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        // Envoy closes an HTTP/1 connection whose response went out before its request was complete.
        Assert.Equal("close", response.Header("connection"));
        Assert.True(await connection.IsClosedAsync(10_000));
        Assert.Equal(1, (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.downstream_rq_response_before_rq_complete"));
        // The body read the timeout cancelled leaves the server's body reader usable: its drain of the rest of the
        // request logged "Reading is already in progress" as an error, with a stack trace, before.
        Assert.Empty(captured.Errors);
    }

    [Fact]
    public async Task ARequestNotCompleteWithinRequestTimeoutGets408RequestTimeout()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HangingUpstreamAsync(cancelled);
        // The client keeps sending (so the idle timer never fires) but never finishes the body.
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0s\nrequest_timeout: 0.5s"), directory: directory);
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await connection.SendAsync("1\r\nx\r\n");
                await Task.Delay(50);
            }
        });
        var response = await connection.ReadResponseAsync();
        stop.Cancel();
        await trickle;
        Assert.Equal(408, response.Status);
        Assert.Equal("request timeout", response.Body);
        Assert.Equal("408 - request_overall_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_timeout"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_idle_timeout"]);
    }

    [Fact]
    public async Task TheRouteIdleTimeoutAppliesWhenTheHcmHasNone()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HangingUpstreamAsync(cancelled);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0s", routeExtra: ", idle_timeout: 0.3s"), directory: directory);
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(504, response.Status);
        Assert.Equal("stream timeout", response.Body);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("504 SI stream_idle_timeout", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
    }

    [Fact]
    public async Task AResponseThatStallsAfterItsHeadersIsReset()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/warm")
            {
                return;
            }

            await context.Response.WriteAsync("partial", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0.5s"), directory: directory);
        // A first request warms the path up, so the stalled one's headers come well within the timeout.
        Assert.Equal(200, (await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /warm HTTP/1.1\r\nHost: a\r\n\r\n")).Status);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, gateway.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /a HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray());
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) is var read and > 0)
            {
                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset connection is a closed one.
        }

        // HTTP/1 has no stream reset: the connection closes with the chunked body unfinished.
        var text = received.ToString();
        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.Contains("partial", text);
        Assert.DoesNotContain("\r\n0\r\n\r\n", text);
        var lines = await TestGateway.WaitForLinesAsync(log, 2);
        Assert.Equal("200 SI stream_idle_timeout", lines[1]);
        Assert.Equal(1, (await gateway.StatsAsync())["http.ingress_http.downstream_rq_idle_timeout"]);
    }

    /// <summary>
    /// The stream timers of a keep-alive connection's requests one after another (each request's watch is the
    /// one the previous request ended with): every request starts its idle timer afresh, however long the
    /// connection sat idle before it, and a later stalled request still times out.
    /// </summary>
    [Fact]
    public async Task EachRequestOfAKeepAliveConnectionHasItsOwnStreamTimers()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            if (context.Request.Path != "/hang")
            {
                using var reader = new StreamReader(context.Request.Body);
                await context.Response.WriteAsync("got " + await reader.ReadToEndAsync(context.RequestAborted), context.RequestAborted);
                return;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
            }
        });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "stream_idle_timeout: 0.3s"), directory: directory);
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("got ", (await connection.ReadResponseAsync()).Body);
        await connection.SendAsync("POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz");
        Assert.Equal("got xyz", (await connection.ReadResponseAsync()).Body);
        // Idle between requests for longer than stream_idle_timeout: the next request's timer starts with it.
        await Task.Delay(700);
        await connection.SendAsync("POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        Assert.Equal("got hi", (await connection.ReadResponseAsync()).Body);
        await connection.SendAsync("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n");
        var stalled = await connection.ReadResponseAsync();
        Assert.Equal(504, stalled.Status);
        Assert.Equal("stream timeout", stalled.Body);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var lines = await TestGateway.WaitForLinesAsync(log, 4);
        Assert.Equal(["200 - via_upstream", "200 - via_upstream", "200 - via_upstream", "504 SI stream_idle_timeout"], lines);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_idle_timeout"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_rx_reset"]);
    }
}
