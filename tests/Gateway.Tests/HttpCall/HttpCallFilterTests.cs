using Gateway.Clusters.Model;
using System.Text.Json;
using DemoUpstream;
using Gateway.Clusters.Table;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using static Gateway.Tests.HttpCall.HttpCallTestSupport;

namespace Gateway.Tests.HttpCall;

/// <summary>The filter against the real demo upstream over loopback sockets, driven with a DefaultHttpContext.</summary>
public sealed class HttpCallFilterTests : IAsyncLifetime
{
    private const string SeedCluster = "outbound|8000||172.22.220.21.static";

    private DemoUpstreamHandle _upstream = null!;
    private readonly CapturingLoggerProvider _logs = new();

    public async Task InitializeAsync() => _upstream = await DemoUpstreamServer.StartAsync("http://127.0.0.1:0");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private ClusterTable Table(params string[] names) => new(names.Select(n => Cluster(n, _upstream.Port)));

    [Fact]
    public async Task Seed_flow_posts_the_default_body_and_injects_the_echo_as_a_header()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        // /echo/post answers with the request body, so the header is exactly what the callout sent.
        Assert.Equal("{\"message\": \"hello\"}", Header(context));
        Assert.True(table.TryGet(SeedCluster, out var entry));
        Assert.Equal(1, entry.Stats.UpstreamRqTotal);
        Assert.Equal(1, entry.Stats.UpstreamRq2xx);
        Assert.Equal(0, entry.Stats.UpstreamRqActive);
        Assert.Equal(1, entry.Endpoints.All[0].Stats.RqSuccess);

        var info = _logs.Messages(LogLevel.Information).ToArray();
        Assert.Contains(info, m => m.StartsWith("[http-call] [] [req-1] http call start, id: ", StringComparison.Ordinal)
            && m.Contains($", cluster: {SeedCluster}, method: POST, url: /echo/post, headers: " +
                          "[][2]string{[2]string{\":method\", \"POST\"}, [2]string{\":path\", \"/echo/post\"}, [2]string{\":authority\", \"172.22.220.21\"}}" +
                          ", body: {\"message\": \"hello\"}, timeout: 5000", StringComparison.Ordinal));
        Assert.Contains(info, m => m.StartsWith("[http-call] [] [req-1] http call end, id: ", StringComparison.Ordinal)
            && m.EndsWith(", code: 200, normal: true, body: {\"message\": \"hello\"}", StringComparison.Ordinal));
        Assert.Contains("[http-call] [] [req-1] HTTP call response: status=200, body={\"message\": \"hello\"}", info);
        Assert.All(_logs.Entries, e => Assert.Equal("wasm", e.Category));
    }

    [Fact]
    public async Task Callout_carries_method_path_authority_and_caller_headers_only()
    {
        using var table = Table("outbound|80||api.example.com");
        var filter = Filter("""
            {"cluster": {"type": "fqdn", "fqdn": "api.example.com", "port": 80},
             "method": "put", "path": "anything/x?a=1#frag",
             "headers": [["Content-Type", "application/json"], ["Authorization", "Bearer t"], [":path", "/ignored"]],
             "body": "{\"data\": \"value\"}"}
            """, _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        using var echo = JsonDocument.Parse(Header(context)!);
        var root = echo.RootElement;
        Assert.Equal("PUT", root.GetProperty("method").GetString());
        Assert.Equal("http://api.example.com/anything/x?a=1", root.GetProperty("url").GetString());
        Assert.Equal("{\"data\": \"value\"}", root.GetProperty("data").GetString());
        var headers = root.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("api.example.com", headers["Host"]);
        Assert.Equal("application/json", headers["Content-Type"]);
        Assert.Equal("Bearer t", headers["Authorization"]);
        Assert.Equal("17", headers["Content-Length"]);
        // wasm-go adds nothing else: no user-agent, no x-forwarded-for, no request id.
        Assert.Equal(["Authorization", "Content-Length", "Content-Type", "Host"], headers.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Host_in_the_url_wins_the_authority_and_get_sends_no_body()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"method": "GET", "path": "http://other.example:8080/anything?q=1"}""", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        using var echo = JsonDocument.Parse(Header(context)!);
        Assert.Equal("GET", echo.RootElement.GetProperty("method").GetString());
        Assert.Equal("other.example:8080", echo.RootElement.GetProperty("headers").GetProperty("Host").GetString());
        Assert.Equal("", echo.RootElement.GetProperty("data").GetString());
        Assert.False(echo.RootElement.GetProperty("headers").TryGetProperty("Content-Length", out _));
    }

    [Fact]
    public async Task Route_cluster_uses_the_matched_route_and_the_request_authority()
    {
        using var table = Table("echo");
        var filter = Filter("""{"cluster": {"type": "route"}, "path": "/headers", "method": "GET"}""", _logs);
        var context = Context(table, routeCluster: "echo");

        Assert.True(await filter.OnRequestAsync(context));

        using var echo = JsonDocument.Parse(Header(context)!);
        Assert.Equal("gateway.local:10000", echo.RootElement.GetProperty("headers").GetProperty("Host").GetString());
    }

    [Fact]
    public async Task Missing_cluster_logs_bad_argument_with_suggestions_and_snippet_and_continues()
    {
        using var table = Table("outbound|8001||172.22.220.21.static", "unrelated-cluster-name");
        var filter = Filter("", _logs);
        var context = Context(table, requestId: null);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Null(Header(context));
        var error = Assert.Single(_logs.Messages(LogLevel.Error));
        Assert.StartsWith("[http-call] [] [nil] HTTP call failed: error status returned by host: bad argument. ", error);
        Assert.Contains($"No cluster named '{SeedCluster}' is defined; closest defined: 'outbound|8001||172.22.220.21.static'.", error);
        Assert.DoesNotContain("unrelated-cluster-name", error);
        Assert.Contains($"- name: '{SeedCluster}'\n", error);
        Assert.Contains("  type: STATIC\n", error);
        Assert.Contains("              port_value: 8000\n", error);
        // The callback never runs on bad argument: no start/end/response lines.
        Assert.Empty(_logs.Messages(LogLevel.Information));
    }

    [Fact]
    public async Task Mismatched_name_without_static_suffix_is_a_missing_cluster_with_the_right_suggestion()
    {
        using var table = Table("outbound|8000||172.22.220.21");
        var filter = Filter("", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Null(Header(context));
        Assert.True(table.TryGet("outbound|8000||172.22.220.21", out var entry));
        Assert.Equal(0, entry.Stats.UpstreamRqTotal);
        Assert.Contains("closest defined: 'outbound|8000||172.22.220.21'.", Assert.Single(_logs.Messages(LogLevel.Error)));
    }

    [Fact]
    public async Task Negative_timeout_is_bad_argument()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"timeout_ms": -1}""", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Null(Header(context));
        Assert.Contains("HTTP call failed: error status returned by host: bad argument", Assert.Single(_logs.Messages(LogLevel.Error)));
    }

    [Fact]
    public async Task Timeout_delivers_504_upstream_request_timeout_to_the_callback()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"path": "/delay/5", "timeout_ms": 200}""", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("upstream request timeout", Header(context));
        Assert.True(table.TryGet(SeedCluster, out var entry));
        Assert.Equal(1, entry.Stats.UpstreamRqTimeout);
        Assert.Equal(1, entry.Stats.CountOf(504));
        Assert.Equal(0, entry.Stats.UpstreamRqActive);
        Assert.Contains("[http-call] [] [req-1] HTTP call response: status=504, body=upstream request timeout", _logs.Messages(LogLevel.Information));
    }

    [Fact]
    public async Task Connection_refused_delivers_503_connect_error()
    {
        using var table = new ClusterTable([Cluster(SeedCluster, TestGateway.RefusedPort())]);
        var filter = Filter("", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, transport failure reason: delayed connect error: Connection refused", Header(context));
        Assert.True(table.TryGet(SeedCluster, out var entry));
        Assert.Equal(1, entry.Stats.CountOf(503));
        Assert.Equal(1, entry.Stats.UpstreamCxConnectFail);
    }

    [Fact]
    public async Task Connection_closed_without_a_response_is_a_502_with_no_body()
    {
        // A listener that reads the request and hangs up without answering: a reset before headers.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await socket.ReceiveAsync(new byte[4096]);
            socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        });
        using var table = new ClusterTable([Cluster(SeedCluster, port)]);
        var filter = Filter("", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));
        await server;

        Assert.Null(Header(context));
        Assert.Contains(_logs.Messages(LogLevel.Information), m => m.EndsWith(", code: 502, normal: false, body: ", StringComparison.Ordinal));
        Assert.Contains("[http-call] [] [req-1] HTTP call response: status=502, body=", _logs.Messages(LogLevel.Information));
    }

    [Fact]
    public async Task Status_500_from_the_callout_is_injected_like_any_answer()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"path": "/status/500", "on_error": "deny"}""", _logs);
        var context = Context(table);

        // An answer from the upstream is not an error for on_error: the request goes on.
        Assert.True(await filter.OnRequestAsync(context));

        // The body is empty, and ASP.NET Core cannot hold a header with an empty value (setting "" removes
        // it), so nothing is added; Envoy would forward "x-external-response:" with no value.
        Assert.Null(Header(context));
        Assert.True(table.TryGet(SeedCluster, out var entry));
        Assert.Equal(1, entry.Stats.UpstreamRq5xx);
        Assert.Equal(1, entry.Endpoints.All[0].Stats.RqError);
        Assert.Contains("[http-call] [] [req-1] HTTP call response: status=500, body=", _logs.Messages(LogLevel.Information));
    }

    [Fact]
    public async Task Multi_line_body_is_folded_to_one_header_line_and_logged_with_literal_newlines()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"body": "line1\nline2\r\nline3\u0000end"}""", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("line1 line2  line3 end", Header(context));
        Assert.Contains(_logs.Messages(LogLevel.Information), m => m.Contains("body=line1\\nline2\r\\nline3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Long_body_is_truncated_on_a_utf8_character_boundary()
    {
        using var table = Table(SeedCluster);
        // "é" is two bytes; a cap of 3 bytes would cut the first one in half, so it is dropped whole.
        var filter = Filter("""{"body": "abéé", "max_header_bytes": 3}""", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("ab", Header(context));
    }

    [Fact]
    public async Task On_error_deny_answers_503_when_the_cluster_is_missing()
    {
        using var table = Table("other");
        var filter = Filter("""{"on_error": "deny"}""", _logs);
        var context = Context(table);

        Assert.False(await filter.OnRequestAsync(context));

        Assert.Equal(503, context.HttpContext.Response.StatusCode);
        Assert.Null(Header(context));
    }

    [Fact]
    public async Task On_error_deny_answers_503_when_the_callout_times_out()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("""{"path": "/delay/5", "timeout_ms": 100, "on_error": "deny"}""", _logs);
        var context = Context(table);

        Assert.False(await filter.OnRequestAsync(context));

        Assert.Equal(503, context.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task Plugin_name_and_root_id_prefix_every_line()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("", _logs, pluginName: "wasmdemo", rootId: "my_root");
        var context = Context(table);
        context.RequestId = "from-hcm";

        Assert.True(await filter.OnRequestAsync(context));

        Assert.All(_logs.Entries, e => Assert.StartsWith("[wasmdemo] [my_root] [from-hcm] ", e.Message));
    }

    [Fact]
    public async Task Existing_header_is_kept_and_the_answer_appended_as_the_seed_adds_it()
    {
        using var table = Table(SeedCluster);
        var filter = Filter("", _logs);
        var context = Context(table);
        context.HttpContext.Request.Headers["X-External-Response"] = "client";

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("client|{\"message\": \"hello\"}", string.Join("|", context.HttpContext.Request.Headers["X-External-Response"].ToArray()));
    }

    [Fact]
    public async Task Callout_obeys_the_clusters_circuit_breaker_and_reports_overflow_to_the_callback()
    {
        // max_requests 0: the cluster admits nothing, so the callout never leaves and the callback gets Envoy's overflow reply.
        var config = Cluster(SeedCluster, _upstream.Port) with { CircuitBreakers = new CircuitBreakerThresholds(1024, 1024, 0, 3) };
        using var table = new ClusterTable([config]);
        var filter = Filter("", _logs);
        var context = Context(table);

        Assert.True(await filter.OnRequestAsync(context));

        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: overflow", Header(context));
        Assert.True(table.TryGet(SeedCluster, out var entry));
        Assert.Equal(0, entry.Stats.UpstreamRqTotal);
        Assert.Equal(1, entry.Stats.UpstreamRqPendingOverflow);
        Assert.Equal(0, _upstream.RequestCount);
    }
}
