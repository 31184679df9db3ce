using Serilog.Events;

namespace Gateway.Testing;

/// <summary>How <see cref="EnvoyGateway.StartAsync(string, EnvoyGatewayOptions?, CancellationToken)"/> starts the gateway.</summary>
public sealed record EnvoyGatewayOptions
{
    /// <summary>Keep the file's <c>port_value</c>s instead of free ports picked for the test.</summary>
    public bool KeepPorts { get; init; }

    /// <summary>The lowest level kept in <see cref="EnvoyGateway.LogLines"/> (Envoy's <c>-l</c>); default info.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Also write the log to stderr, as the gateway does on its own.</summary>
    public bool WriteLogToStderr { get; init; }

    /// <summary>Watch the file and apply edits while the test runs (off by default: a test changes config on purpose, with <see cref="EnvoyGateway.ReloadAsync"/>).</summary>
    public bool HotReload { get; init; }

    /// <summary>Start even if the file uses Envoy fields this gateway does not implement (<c>--ignore-unsupported</c>).</summary>
    public bool IgnoreUnsupported { get; init; }

    /// <summary><c>--native-plugin NAME=http-call</c> mappings.</summary>
    public IReadOnlyDictionary<string, string> NativePlugins { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
