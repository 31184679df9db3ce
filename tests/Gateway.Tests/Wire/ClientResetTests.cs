using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>
/// A client that gives up before the response (HTTP/2 RST_STREAM, HTTP/1 connection close) is counted
/// as Envoy's onResetStream counts it (downstream_rq_rx_reset, no status class, response code 0, flag
/// DR for a reset stream and DC for a closed connection), and the work done for it is cancelled.
/// </summary>
public class ClientResetTests
{
    private static string Yaml(int upstreamPort, string logPath, string codec = "AUTO", string httpFilters = "", string clusters = "") => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          route: { cluster: slow }
        """,
        EnvoyYaml.StaticCluster("slow", upstreamPort) + clusters,
        hcmExtra: $"codec_type: {codec}" + StreamTimeoutTests.AccessLog(logPath),
        httpFilters: httpFilters);

    [Fact]
    public async Task AnHttp2StreamResetBeforeTheResponseCancelsTheUpstreamAndIsLoggedAsDr()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await StreamTimeoutTests.HangingUpstreamAsync(cancelled, received);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log, "HTTP2"), directory: directory);
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var abandon = new CancellationTokenSource();
        var request = client.GetAsync($"http://127.0.0.1:{gateway.Port}/a", abandon.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Cancelling sends RST_STREAM(CANCEL) and keeps the connection.
        abandon.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0 DR http2.remote_reset", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_rx_reset"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_2xx"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_5xx"]);
    }

    [Fact]
    public async Task AnHttp1ConnectionClosedBeforeTheResponseCancelsTheUpstreamAndIsLoggedAsDc()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await StreamTimeoutTests.HangingUpstreamAsync(cancelled, received);
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, log), directory: directory);
        var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await connection.DisposeAsync();
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0 DC downstream_remote_disconnect", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_rx_reset"]);
        Assert.Equal(0, stats["http.ingress_http.downstream_rq_2xx"]);
    }

    [Fact]
    public async Task AnHttpCallInFlightIsCancelledWhenTheClientResets()
    {
        var directory = TestGateway.NewDirectory();
        var log = Path.Combine(directory, "access.log");
        var calloutReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calloutCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var routed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var callout = await StreamTimeoutTests.HangingUpstreamAsync(calloutCancelled, calloutReceived);
        await using var upstream = await StreamTimeoutTests.HangingUpstreamAsync(routed);
        var filter = $$"""
            - name: callout
              typed_config:
                "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                type_url: type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                value:
                  config:
                    name: callout
                    vm_config:
                      runtime: envoy.wasm.runtime.v8
                      code: { local: { filename: /etc/envoy/callout.wasm } }
                    configuration:
                      "@type": type.googleapis.com/google.protobuf.StringValue
                      value: '{"fqdn": "callout.local", "port": {{callout.Port}}, "path": "/check", "timeout_ms": 60000}'
            """;
        var yaml = Yaml(upstream.Port, log, "HTTP2", filter, EnvoyYaml.StaticCluster($"'outbound|{callout.Port}||callout.local'", callout.Port));
        await using var gateway = await TestGateway.StartAsync(yaml,
            o => o with { NativePlugins = new Dictionary<string, string> { ["callout"] = "http-call" } }, directory);
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var abandon = new CancellationTokenSource();
        var request = client.GetAsync($"http://127.0.0.1:{gateway.Port}/a", abandon.Token);
        await calloutReceived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        abandon.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await calloutCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0 DR http2.remote_reset", Assert.Single(await TestGateway.WaitForLinesAsync(log, 1)));
        Assert.False(routed.Task.IsCompleted);
        Assert.Equal(1, (await gateway.StatsAsync())["http.ingress_http.downstream_rq_rx_reset"]);
    }
}
