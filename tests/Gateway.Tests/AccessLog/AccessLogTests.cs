using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DemoUpstream;
using Gateway.Clusters.Configuration;
using Gateway.Tests.Support;

namespace Gateway.Tests.AccessLog;

/// <summary>HCM access logs written to files: Envoy's default line, a custom text_format, json_format.</summary>
public sealed class AccessLogTests
{
    /// <summary>An access_log list item writing to <paramref name="path"/>; <paramref name="logFormat"/> holds log_format's fields.</summary>
    private static string FileLog(string path, string? logFormat = null) =>
        "- name: envoy.access_loggers.file\n" +
        "  typed_config:\n" +
        "    \"@type\": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog\n" +
        $"    path: {path}\n" +
        (logFormat is null ? "" : "    log_format:\n" + EnvoyYaml.Indent(logFormat, 6));

    /// <summary>The standard-traffic gateway in front of <paramref name="upstream"/>, its config and logs in <paramref name="directory"/>.</summary>
    private static Task<TestGateway> StartAsync(DemoUpstreamHandle upstream, string accessLogs, string directory) =>
        TestGateway.StartAsync(EnvoyYaml.StandardTraffic(upstream.Port, TestGateway.RefusedPort(), accessLogs), directory: directory);

    [Fact]
    public async Task Default_format_is_envoys_line()
    {
        var directory = TestGateway.NewDirectory();
        var path = Path.Combine(directory, "access.log");
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream, FileLog(path), directory);
        var get = await gateway.Client.GetAsync("/get");
        var body = await get.Content.ReadAsByteArrayAsync();
        await gateway.SendStandardTrafficAsync();

        var lines = await TestGateway.WaitForLinesAsync(path, 6);
        Assert.Equal(6, lines.Length);
        var port = gateway.Host.ListenerPorts["listener_0"];
        var success = new Regex(
            "^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] \"GET /get HTTP/1\\.1\" 200 - 0 (\\d+) \\d+ \\d+ \"-\" \"-\" " +
            $"\"[0-9a-f-]{{36}}\" \"127\\.0\\.0\\.1:{port}\" \"127\\.0\\.0\\.1:{upstream.Port}\"$");
        var match = success.Match(lines[0]);
        Assert.True(match.Success, lines[0]);
        Assert.Equal(body.Length, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Matches("\"GET /nowhere HTTP/1\\.1\" 404 NR 0 0 \\d+ - \"-\" \"-\" \"[0-9a-f-]{36}\" \"[^\"]+\" \"-\"$", lines[2]);
        Assert.Matches("\"GET /dead/x HTTP/1\\.1\" 503 UF 0 \\d+ \\d+ - .* \"127\\.0\\.0\\.1:\\d+\"$", lines[3]);
        Assert.Matches("\"GET /delay/3 HTTP/1\\.1\" 504 UT 0 24 \\d+ - ", lines[4]);
        Assert.Matches("\"GET /direct HTTP/1\\.1\" 200 - 0 5 \\d+ - .* \"-\"$", lines[5]);
    }

    [Fact]
    public async Task Custom_text_and_json_formats()
    {
        var directory = TestGateway.NewDirectory();
        var textPath = Path.Combine(directory, "text.log");
        var jsonPath = Path.Combine(directory, "json.log");
        var logs =
            FileLog(textPath, "text_format: \"%REQ(:METHOD)% %REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_CLUSTER% %ROUTE_NAME% %RESPONSE_CODE_DETAILS% %REQ(X-MISSING?X-TAG):3% %BYTES_RECEIVED% %START_TIME(%Y/%m/%d)% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%\\n\"\n") +
            FileLog(jsonPath, "json_format:\n" +
                "  method: \"%REQ(:METHOD)%\"\n" +
                "  code: \"%RESPONSE_CODE%\"\n" +
                "  flags: \"%RESPONSE_FLAGS%\"\n" +
                "  upstream: \"%UPSTREAM_HOST%\"\n" +
                "  path: \"path=%REQ(:PATH)%\"\n" +
                "  received: \"%BYTES_RECEIVED%\"\n");
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream, logs, directory);
        var dayBefore = DateTime.UtcNow;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/post?x=1") { Content = new StringContent("0123456789") })
        {
            request.Headers.Add("x-tag", "abcdef");
            Assert.Equal(HttpStatusCode.OK, (await gateway.Client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/nowhere")).StatusCode);

        var text = await TestGateway.WaitForLinesAsync(textPath, 2);
        // The UTC day the requests started on, or the next one if midnight passed while they ran.
        var days = new[] { dayBefore, DateTime.UtcNow }.Select(d => d.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToArray();
        Assert.Equal(2, text.Length);
        Assert.Contains(text[0], days.Select(day => $"POST /post?x=1 200 - demo - via_upstream abc 10 {day} 127.0.0.1"));
        Assert.Contains(text[1], days.Select(day => $"GET /nowhere 404 NR - - route_not_found - 0 {day} 127.0.0.1"));

        var json = await TestGateway.WaitForLinesAsync(jsonPath, 2);
        Assert.StartsWith("{\"code\":200,\"flags\":\"-\",\"method\":\"POST\",\"path\":\"path=/post?x=1\",\"received\":10,\"upstream\":\"127.0.0.1:", json[0]);
        using var second = JsonDocument.Parse(json[1]);
        Assert.Equal(404, second.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("NR", second.RootElement.GetProperty("flags").GetString());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("upstream").ValueKind);
    }

    [Fact]
    public async Task Bytes_sent_counts_a_streamed_chunked_body()
    {
        var directory = TestGateway.NewDirectory();
        var path = Path.Combine(directory, "bytes.log");
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await StartAsync(upstream, FileLog(path, "text_format: \"%BYTES_SENT% %RESPONSE_CODE%\\n\"\n"), directory);
        var body = await gateway.Client.GetByteArrayAsync("/stream-bytes/100000");
        Assert.Equal(100000, body.Length);
        Assert.Equal("100000 200", (await TestGateway.WaitForLinesAsync(path, 1)).Single());
    }

    [Fact]
    public async Task Lines_queued_at_shutdown_are_written()
    {
        var directory = TestGateway.NewDirectory();
        var path = Path.Combine(directory, "access.log");
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var gateway = await StartAsync(upstream, FileLog(path), directory);
        for (var i = 0; i < 20; i++)
        {
            await gateway.Client.GetAsync("/direct");
        }

        await gateway.Host.DisposeAsync();
        Assert.Equal(20, File.ReadAllLines(path).Length);
    }

    [Fact]
    public async Task Unknown_operator_fails_the_load_naming_the_format()
    {
        var directory = TestGateway.NewDirectory();
        var logs = FileLog(Path.Combine(directory, "a.log"), "text_format: \"%START_TIME% %NOPE%\\n\"\n");
        await using var upstream = await DemoUpstreamServer.StartAsync();
        var error = await Assert.ThrowsAsync<ConfigException>(() => StartAsync(upstream, logs, directory));
        Assert.Contains("%START_TIME% %NOPE%", error.Message);
        Assert.Contains("Not supported field in StreamInfo: NOPE", error.Message);
        Assert.Contains("access_log[0]", error.Message);

        // The same check without starting anything, for --mode validate.
        var loaded = BootstrapLoader.LoadFile(Path.Combine(directory, "envoy.yaml"), new BootstrapLoadOptions(false, Hosting.FilterFactories.Create(new Cli.GatewayOptions())));
        var validation = Assert.Throws<ConfigException>(() => Gateway.AccessLog.AccessLogService.Validate(loaded.Config));
        Assert.Contains("Not supported field in StreamInfo: NOPE", validation.Message);
    }
}
