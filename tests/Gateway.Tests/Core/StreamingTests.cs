using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using DemoUpstream;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Core;

/// <summary>Bodies stream both ways intact, and WebSocket upgrades pass where upgrade_configs allows them.</summary>
public sealed class StreamingTests
{
    private static string Yaml(int port, string upgrade = "") => EnvoyYaml.WithRoutes($$"""
        - match: { prefix: "/" }
          route: { cluster: demo {{upgrade}} }
        """, EnvoyYaml.StaticCluster("demo", port));

    [Fact]
    public async Task LargeResponseArrivesIntact()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var direct = TestGateway.CreateClient(upstream.Port);
        const int size = 5 * 1024 * 1024;
        var expected = await direct.GetByteArrayAsync($"/bytes/{size}?seed=7");
        var viaGateway = await gw.Client.GetByteArrayAsync($"/bytes/{size}?seed=7");
        Assert.Equal(size, viaGateway.Length);
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(viaGateway));

        var chunked = await gw.Client.GetByteArrayAsync($"/stream-bytes/{size}?seed=7");
        Assert.Equal(SHA256.HashData(expected), SHA256.HashData(chunked));
    }

    [Fact]
    public async Task LargeRequestBodyArrivesIntact()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        var body = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(body);

        using var sized = new ByteArrayContent(body);
        sized.Headers.ContentType = new("application/octet-stream");
        using var response = await gw.Client.PostAsync("/echo/post", sized);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));

        // Chunked: no content-length, the body is read from a stream as it is sent.
        using var streamed = new StreamContent(new MemoryStream(body), 64 * 1024);
        streamed.Headers.ContentType = new("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo/post") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await gw.Client.SendAsync(request);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await chunkedResponse.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task ResponseIsNotBufferedUntilComplete()
    {
        // The upstream sends a first chunk and then waits until the client has seen it: a gateway that
        // buffered the whole response would never deliver it, and the test would fail on its deadline.
        var firstChunkSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TinyUpstream.StartAsync(async context =>
        {
            await context.Response.WriteAsync("first;");
            await context.Response.Body.FlushAsync();
            await firstChunkSeen.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync("second");
        });
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var response = await gw.Client.GetAsync("/", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        var buffer = new byte[6];
        await stream.ReadExactlyAsync(buffer, deadline.Token);
        Assert.Equal("first;", Encoding.ASCII.GetString(buffer));
        firstChunkSeen.SetResult();
        using var reader = new StreamReader(stream);
        Assert.Equal("second", await reader.ReadToEndAsync(deadline.Token));
    }

    [Fact]
    public async Task WebSocketUpgradePassesWhenRouteAllowsIt()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port, ", upgrade_configs: [{ upgrade_type: websocket }]"));
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gw.Port}/ws"), deadline.Token);
        foreach (var text in new[] { "hello", "through the gateway" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, deadline.Token);
            var buffer = new byte[1024];
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", deadline.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketUpgradeIsRefusedWithoutUpgradeConfig()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gw = await TestGateway.StartAsync(Yaml(upstream.Port));
        using var socket = new ClientWebSocket();
        var error = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gw.Port}/ws"), CancellationToken.None));
        Assert.Contains("403", error.Message);
    }
}
