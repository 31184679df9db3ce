using System.Text.Json;
using Gateway.Logging;
using Gateway.Tests.Support;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Tests.Launch;

/// <summary>Where the log goes and in what shape: stderr as Envoy, --log-path, --log-format, --log-json.</summary>
public sealed class LogOutputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-log-").FullName;

    public LogOutputTests() => File.WriteAllText(Path.Combine(_directory, "envoy.yaml"), EnvoyYaml.WithRoutes("""
        - match: { prefix: "/" }
          direct_response: { status: 200 }
        """));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Logs_go_to_stderr_in_the_given_envoy_format_without_colour_when_not_a_terminal()
    {
        await using var gateway = await ServingProcess.StartAsync(_directory, p => ServingProcess.AdminLineIn(p.StdErr),
            "-c", "envoy.yaml", "--log-format", "%L|%-6n|%l|%v|%Y");

        Assert.Equal(0, await gateway.QuitAsync());
        Assert.Empty(gateway.StdOut);
        var line = Assert.Single(gateway.StdErr, l => l.Contains("listening on", StringComparison.Ordinal) && l.Contains("listener_0", StringComparison.Ordinal));
        Assert.Matches(@"^I\|main  \|info\|listener 'listener_0' listening on 127\.0\.0\.1:\d+\|20\d\d$", line);
        Assert.DoesNotContain(gateway.StdErr, l => l.Contains('\u001b', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_path_writes_the_log_to_the_file_instead_of_stderr()
    {
        var path = Path.Combine(_directory, "logs", "gateway.log");
        await using var gateway = await ServingProcess.StartAsync(_directory, _ => File.Exists(path) ? ServingProcess.AdminLineIn(ReadShared(path)) : null,
            "-c", "envoy.yaml", "--log-path", path);

        Assert.Equal(0, await gateway.QuitAsync());
        Assert.DoesNotContain(gateway.StdErr, l => l.Contains("listening on", StringComparison.Ordinal));
        Assert.Contains(ReadShared(path), l => l.Contains("][info][main] all clusters initialized", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_json_lines_carry_the_rendered_message_beside_the_template()
    {
        await using var gateway = await ServingProcess.StartAsync(_directory,
            p => p.StdErr.Select(l => l.StartsWith('{') ? JsonDocument.Parse(l).RootElement.GetProperty("@m").GetString() : null).OfType<string>().FirstOrDefault(m => m.StartsWith("admin ", StringComparison.Ordinal)),
            "-c", "envoy.yaml", "--log-json");

        Assert.Equal(0, await gateway.QuitAsync());
        var listening = gateway.StdErr.Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("@mt").GetString()!.Contains("listening on", StringComparison.Ordinal) && e.GetProperty("Name").GetString() == "listener_0");
        Assert.Matches(@"^listener 'listener_0' listening on 127\.0\.0\.1:\d+$", listening.GetProperty("@m").GetString());
        Assert.Equal("info", listening.GetProperty("@l").GetString());
        Assert.Equal("main", listening.GetProperty("Component").GetString());
    }

    /// <summary>
    /// An upstream that refuses the connection is a 503 and, at the default level, nothing in the log (Envoy logs it
    /// at debug): not YARP's warning with a stack trace per request. At router:debug the router says it in one line.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_refused_upstream_logs_no_warning_and_one_router_line_at_debug(bool routerDebug)
    {
        var closed = TestGateway.FreePort();
        File.WriteAllText(Path.Combine(_directory, "dead.yaml"), EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              route: { cluster: dead }
            """, EnvoyYaml.StaticCluster("dead", closed)));
        string[] args = routerDebug ? ["-c", "dead.yaml", "--component-log-level", "router:debug"] : ["-c", "dead.yaml"];
        await using var gateway = await ServingProcess.StartAsync(_directory, p => ServingProcess.AdminLineIn(p.StdErr), args);
        var listening = Assert.Single(gateway.StdErr, l => l.Contains("listener 'listener_0' listening on", StringComparison.Ordinal));
        var port = int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var client = new HttpClient();
        Assert.Equal(503, (int)(await client.GetAsync($"http://127.0.0.1:{port}/x")).StatusCode);

        Assert.Equal(0, await gateway.QuitAsync());
        var router = gateway.StdErr.Where(l => l.Contains("][router] upstream request to cluster 'dead'", StringComparison.Ordinal)).ToArray();
        Assert.Equal(routerDebug ? 1 : 0, router.Length);
        if (!routerDebug)
        {
            Assert.DoesNotContain(gateway.StdErr, l => l.Contains("[warning]", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Format_flags_render_as_envoys_and_colour_marks_only_the_level()
    {
        var properties = new List<LogEventProperty>
        {
            new("Name", new ScalarValue("wasm \"x\"")),
            new("Count", new ScalarValue(3)),
            new("EnvoyLevel", new ScalarValue("warning")),
            new("Component", new ScalarValue("wasm")),
            new("ThreadId", new ScalarValue(7)),
        };
        var template = new MessageTemplateParser().Parse("plugin {Name} failed {Count} times\nsecond line");
        var logEvent = new LogEvent(new DateTimeOffset(2026, 11, 23, 21, 7, 7, 123, TimeSpan.Zero), LogEventLevel.Warning, null, template, properties);

        Assert.Equal("[2026-11-23 21:07:07.123][7][warning][wasm] plugin wasm \"x\" failed 3 times\nsecond line\n", Format(EnvoyLogFormatter.DefaultPattern, logEvent, colour: false));
        Assert.Equal("W [   wasm] plugin wasm \"x\" failed 3 times\\nsecond line %\n", Format("%L [%7n] %_ %%", logEvent, colour: false));
        Assert.Equal("{\"msg\":\"plugin wasm \\\"x\\\" failed 3 times\\nsecond line\"}\n", Format("{\"msg\":\"%j\"}", logEvent, colour: false));
        var coloured = Format(EnvoyLogFormatter.DefaultPattern, logEvent, colour: true);
        Assert.Contains("][7][\u001b[33m\u001b[1mwarning\u001b[0m][wasm] plugin", coloured);
    }

    private static string Format(string pattern, LogEvent logEvent, bool colour)
    {
        using var writer = new StringWriter();
        new EnvoyLogFormatter(pattern, colour).Format(logEvent, writer);
        return writer.ToString();
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
