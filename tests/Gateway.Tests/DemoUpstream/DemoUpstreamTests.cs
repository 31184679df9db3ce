using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using DemoUpstream;

namespace Gateway.Tests;

/// <summary>Exercises the bundled httpbin-like demo upstream in-process on an ephemeral loopback port.</summary>
public sealed class DemoUpstreamTests : IAsyncLifetime
{
    private DemoUpstreamHandle _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await DemoUpstreamServer.StartAsync("http://127.0.0.1:0");
        _client = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Binds_an_ephemeral_loopback_port()
    {
        Assert.Equal("127.0.0.1", _server.BaseAddress.Host);
        Assert.NotEqual(0, _server.Port);
        Assert.Equal(_server.Port, _server.BaseAddress.Port);
    }

    [Fact]
    public async Task Get_echoes_headers_in_title_case_and_args()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/get?a=1&a=2&b=x");
        request.Headers.TryAddWithoutValidation("x-external-response", "hello");
        request.Headers.TryAddWithoutValidation("X-REQUEST-ID", "abc-123");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var headers = root.GetProperty("headers");
        Assert.Equal("hello", headers.GetProperty("X-External-Response").GetString());
        Assert.Equal("abc-123", headers.GetProperty("X-Request-Id").GetString());
        Assert.Equal($"127.0.0.1:{_server.Port}", headers.GetProperty("Host").GetString());
        Assert.Equal("x", root.GetProperty("args").GetProperty("b").GetString());
        Assert.Equal(2, root.GetProperty("args").GetProperty("a").GetArrayLength());
        Assert.Equal("127.0.0.1", root.GetProperty("origin").GetString());
        Assert.EndsWith("/get?a=1&a=2&b=x", root.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Headers_joins_repeated_header_lines_with_commas()
    {
        // HttpClient folds repeated values into one "a, b" line, so send two raw lines instead.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Port);
        using var stream = tcp.GetStream();
        var request = "GET /headers HTTP/1.1\r\nHost: test\r\nX-Multi: a\r\nx-multi: b\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", raw);
        using var json = JsonDocument.Parse(raw[raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)..]);
        Assert.Equal("a,b", json.RootElement.GetProperty("headers").GetProperty("X-Multi").GetString());
    }

    [Fact]
    public async Task Post_echoes_raw_data_and_parsed_json()
    {
        const string body = """{"name":"gateway","n":[1,2]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync("/post?q=1", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(body, root.GetProperty("data").GetString());
        Assert.Equal("gateway", root.GetProperty("json").GetProperty("name").GetString());
        Assert.Equal(2, root.GetProperty("json").GetProperty("n").GetArrayLength());
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal("1", root.GetProperty("args").GetProperty("q").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("form").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("files").ValueKind);
    }

    [Fact]
    public async Task Post_with_non_json_body_reports_null_json()
    {
        using var content = new StringContent("plain text", Encoding.UTF8, "text/plain");

        using var response = await _client.PostAsync("/anything/some/path", content);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("plain text", json.RootElement.GetProperty("data").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("json").ValueKind);
    }

    [Fact]
    public async Task Status_returns_requested_code_with_empty_body()
    {
        using var response = await _client.GetAsync("/status/418");

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/status/abc")]
    [InlineData("/status/99")]
    [InlineData("/status/99999999999")]
    [InlineData("/delay/-1")]
    [InlineData("/delay/NaN")]
    [InlineData("/bytes/99999999")]
    public async Task Invalid_input_is_a_bad_request(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Echo_post_returns_body_verbatim()
    {
        using var content = new StringContent("callout-payload", Encoding.UTF8, "text/plain");

        using var response = await _client.PostAsync("/echo/post", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("callout-payload", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Echo_post_with_empty_body_returns_empty_object()
    {
        using var response = await _client.PostAsync("/echo/post", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Delay_responds_like_get()
    {
        using var response = await _client.GetAsync("/delay/0.2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.EndsWith("/delay/0.2", json.RootElement.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Bytes_returns_the_deterministic_pattern()
    {
        using var response = await _client.GetAsync("/bytes/5000?seed=7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestPattern.Generate(5000, seed: 7), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Stream_bytes_returns_requested_length()
    {
        var bytes = await _client.GetByteArrayAsync("/stream-bytes/30000?chunk_size=1000");

        Assert.Equal(TestPattern.Generate(30000), bytes);
    }

    [Fact]
    public async Task WebSocket_echoes_messages()
    {
        using var socket = new ClientWebSocket();
        var wsUri = new UriBuilder(_server.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(wsUri, CancellationToken.None);

        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[64];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, result.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Ws_without_upgrade_is_a_bad_request()
    {
        using var response = await _client.GetAsync("/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Counts_requests()
    {
        var before = _server.RequestCount;

        using var response = await _client.GetAsync("/get");

        Assert.Equal(before + 1, _server.RequestCount);
    }
}
