using System.Net;
using System.Net.Http;
using Gateway.Tests.Support;
using Gateway.Tests.Wire;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Proxy;

/// <summary>
/// common_http_protocol_options.headers_with_underscores_action over real sockets: ALLOW forwards the
/// header, DROP_HEADER removes it, REJECT_REQUEST answers HTTP/1 with 400 and resets an HTTP/2 stream;
/// each counted in Envoy's http1.* / http2.* codec stats.
/// </summary>
public sealed class UnderscoreHeaderTests
{
    private static string Yaml(int port, string action) => EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          route: { cluster: up }
        """, EnvoyYaml.StaticCluster("up", port), action.Length == 0 ? "" : $"common_http_protocol_options: {{ headers_with_underscores_action: {action} }}");

    /// <summary>An upstream that answers with the request's header names it was sent, comma-separated.</summary>
    private static Task<TinyUpstream> HeaderNamesAsync() => TinyUpstream.StartAsync(context =>
        context.Response.WriteAsync(string.Join(",", context.Request.Headers.Keys.Where(k => k is "x_a" or "x-b").Order(StringComparer.Ordinal))));

    [Theory]
    [InlineData("", "x-b,x_a")]
    [InlineData("ALLOW", "x-b,x_a")]
    [InlineData("DROP_HEADER", "x-b")]
    public async Task Allowed_or_dropped(string action, string seen)
    {
        await using var upstream = await HeaderNamesAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, action));
        var before = await gateway.StatsAsync();
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a.test\r\nx_a: 1\r\nx-b: 2\r\n\r\n");
        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(seen, response.Body);
        var after = await gateway.StatsAsync();
        Assert.Equal(action == "DROP_HEADER" ? 1 : 0, after["http1.dropped_headers_with_underscores"] - before["http1.dropped_headers_with_underscores"]);
    }

    [Fact]
    public async Task Rejected_over_http1_with_400_and_close()
    {
        var reached = 0;
        await using var upstream = await TinyUpstream.StartAsync(_ => { Interlocked.Increment(ref reached); return Task.CompletedTask; });
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "REJECT_REQUEST"));
        var before = await gateway.StatsAsync();
        var response = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a.test\r\nx_a: 1\r\n\r\n");
        Assert.True(response.Status == 400, response.ToString());
        Assert.Equal("Bad Request", response.Body);
        Assert.Equal("close", response.Header("connection"));
        Assert.Equal(0, reached);
        var after = await gateway.StatsAsync();
        Assert.Equal(1, after["http1.requests_rejected_with_underscores_in_headers"] - before["http1.requests_rejected_with_underscores_in_headers"]);

        // A name without an underscore goes through.
        var plain = await RawHttpConnection.ExchangeAsync(gateway.Port, "GET / HTTP/1.1\r\nHost: a.test\r\nx-a: 1\r\n\r\n");
        Assert.Equal(200, plain.Status);
    }

    [Fact]
    public async Task Rejected_over_http2_by_resetting_the_stream()
    {
        await using var upstream = await HeaderNamesAsync();
        await using var gateway = await TestGateway.StartAsync(Yaml(upstream.Port, "REJECT_REQUEST"));
        var before = await gateway.StatsAsync();
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gateway.Port}/")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("x_a", "1");
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
        Assert.Equal(HttpRequestError.HttpProtocolError, error.HttpRequestError);

        // The connection stays usable for a request without one.
        using var plain = await client.GetAsync($"http://127.0.0.1:{gateway.Port}/");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpVersion.Version20, plain.Version);
        var after = await gateway.StatsAsync();
        Assert.Equal(1, after["http2.requests_rejected_with_underscores_in_headers"] - before["http2.requests_rejected_with_underscores_in_headers"]);
    }
}
