using Gateway.Tests.Support;

namespace Gateway.Tests.Wire;

/// <summary>HCM timeouts and counters as Envoy has them, over raw sockets.</summary>
public class ConnectionManagerTests
{
    private static string Yaml(int upstreamPort, string hcmExtra = "", string routeExtra = "") => EnvoyYaml.WithRoutes(
        $$"""
        - match: { prefix: "/" }
          route: { cluster: echo{{routeExtra}} }
        """,
        EnvoyYaml.StaticCluster("echo", upstreamPort),
        hcmExtra: hcmExtra);

    [Fact]
    public async Task AHeadThatDoesNotCompleteInRequestHeadersTimeoutGets408()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "request_headers_timeout: 0.3s"));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: a\r\n");
        var response = await connection.ReadResponseAsync();
        Assert.Equal(408, response.Status);
        Assert.Equal("", response.Body);
        Assert.Equal("envoy", response.Header("server"));
        Assert.True(await connection.IsClosedAsync());

        // A head that completes in time is served on a connection of its own.
        var served = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, served.Status);
    }

    /// <summary>
    /// idle_timeout: 0s disables the connection idle timeout (Envoy's HCM): a keep-alive connection left idle stays
    /// open and serves the next request. (Kestrel, told "no timeout" as InfiniteTimeSpan, armed a deadline that
    /// overflowed into the past and closed the connection at its next 1 s heartbeat.)
    /// </summary>
    [Fact]
    public async Task AZeroIdleTimeoutKeepsAnIdleConnectionOpen()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "common_http_protocol_options: { idle_timeout: 0s }"));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        await connection.SendAsync("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        Assert.False(await connection.IsClosedAsync(2500)); // two of Kestrel's heartbeats
        await connection.SendAsync("GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
    }

    /// <summary>
    /// Durations longer than a .NET timer holds (49.7 days) are taken, as Envoy takes them, and mean "not in this
    /// connection's life": a route timeout of 60 days answered every request 500 before, and an idle timeout that long
    /// dropped each connection.
    /// </summary>
    [Fact]
    public async Task DurationsLongerThanATimerHoldsAreServed()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        const string Long = "5184000s";
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port,
            $"common_http_protocol_options: {{ idle_timeout: {Long}, max_connection_duration: {Long} }}\nstream_idle_timeout: {Long}\nrequest_timeout: {Long}",
            $", timeout: {Long}, idle_timeout: {{ seconds: 5184000 }}, retry_policy: {{ retry_on: 5xx, per_try_timeout: {Long} }}"));
        await using var connection = await RawHttpConnection.OpenAsync(gateway.Port);
        for (var i = 0; i < 2; i++)
        {
            await connection.SendAsync("GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.Equal(200, (await connection.ReadResponseAsync()).Status);
        }
    }

    [Fact]
    public async Task ExpectedTimeoutHeaderTakesTheShorterPerTryTimeout()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, routeExtra: ", timeout: 3s, retry_policy: { retry_on: 5xx, per_try_timeout: 0.5s }"));
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("500", EchoUpstream.SeenHeader(response, "x-envoy-expected-rq-timeout-ms"));
    }

    [Fact]
    public async Task CompletedRequestsAndCodecRefusalsAreCounted()
    {
        await using var upstream = await EchoUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port));
        Assert.Equal(200, (await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.1\r\nHost: a\r\n\r\n")).Status);
        Assert.Equal(426, (await RawHttpConnection.ExchangeAsync(gateway.Port, "GET /a HTTP/1.0\r\n\r\n")).Status);
        await TestGateway.WaitUntilAsync(async () => (await gateway.StatsAsync()).GetValueOrDefault("http.ingress_http.downstream_rq_completed") == 2);
        var stats = await gateway.StatsAsync();
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_2xx"]);
        Assert.Equal(1, stats["http.ingress_http.downstream_rq_4xx"]);
    }
}
