using Gateway.Cli;
using Serilog.Events;

namespace Gateway.Tests.Configuration;

/// <summary>
/// <c>--mode validate</c> prints what serve mode would log for the same file and exits 0 exactly where
/// serve would start.
/// </summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("validate-").FullName;

    private const string Config = """
static_resources:
  listeners:
  - name: l
    traffic_direction: INBOUND
    address: { socket_address: { address: 127.0.0.1, port_value: 10000 } }
    address: { socket_address: { address: 127.0.0.1, port_value: 10001 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: s
          route_config:
            virtual_hosts:
            - name: vh
              domains: "*"
              routes:
              - match: { prefix: "/" }
                direct_response: { status: 200 }
""";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (int Code, string Out, string Err) Run(string yaml, bool ignoreUnsupported = false, LogEventLevel level = LogEventLevel.Information)
    {
        var path = Path.Combine(_directory, "envoy.yaml");
        File.WriteAllText(path, yaml);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = ValidateCommand.Run(new GatewayOptions { ConfigPath = path, IgnoreUnsupported = ignoreUnsupported, LogLevel = level }, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void A_file_serve_would_start_passes_and_its_warnings_are_printed()
    {
        var (code, stdout, stderr) = Run(Config);
        Assert.Equal(0, code);
        Assert.Contains("OK", stdout, StringComparison.Ordinal);
        Assert.Contains("envoy.yaml:5:5: warning: key 'address' is given again at line 6", stderr, StringComparison.Ordinal);
        // Inert fields are debug-level, as in serve mode.
        Assert.DoesNotContain("traffic_direction", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inert_fields_are_printed_at_debug()
    {
        var (code, _, stderr) = Run(Config, level: LogEventLevel.Debug);
        Assert.Equal(0, code);
        Assert.Contains("envoy.yaml:4:5: ignored: static_resources.listeners[0].traffic_direction:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_field_fails_unless_ignored_and_is_then_printed_as_serve_logs_it()
    {
        var yaml = Config.Replace("stat_prefix: s", "stat_prefix: s\n          append_x_forwarded_port: true", StringComparison.Ordinal);
        var refused = Run(yaml);
        Assert.Equal(1, refused.Code);
        Assert.Contains("unsupported: ", refused.Err, StringComparison.Ordinal);
        Assert.Contains("append_x_forwarded_port", refused.Err, StringComparison.Ordinal);

        var ignored = Run(yaml, ignoreUnsupported: true);
        Assert.Equal(0, ignored.Code);
        Assert.Contains("unsupported: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.append_x_forwarded_port", ignored.Err, StringComparison.Ordinal);
    }
}
