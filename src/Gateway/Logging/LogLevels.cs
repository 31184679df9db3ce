using Serilog.Core;
using Serilog.Events;

namespace Gateway.Logging;

/// <summary>
/// The gateway's run-time log levels, one Serilog <see cref="LoggingLevelSwitch"/> per component
/// (Envoy's logger names: admin, router, wasm, ...) plus the default for everything else, so
/// <c>POST /logging?paths=wasm:debug</c> changes them while running, as in Envoy.
/// </summary>
public sealed class LogLevels
{
    /// <summary>Envoy's logger names that this gateway's components log under (or that users expect to set).</summary>
    public static readonly IReadOnlyList<string> KnownComponents =
    [
        "admin", "client", "config", "connection", "conn_handler", "dns", "file", "filter", "golang", "grpc", "hc",
        "health_checker", "http", "http2", "init", "lua", "main", "misc", "pool", "rds", "router", "runtime", "secret",
        "stats", "upstream", "wasm", "websocket",
    ];

    /// <summary>Envoy's (spdlog's) level names in order.</summary>
    public static readonly IReadOnlyList<string> LevelNames = ["trace", "debug", "info", "warning", "error", "critical", "off"];

    private readonly SortedDictionary<string, LoggingLevelSwitch> _components = new(StringComparer.Ordinal);

    public LogLevels(LogEventLevel defaultLevel, IReadOnlyDictionary<string, LogEventLevel> componentLevels)
    {
        Default = new LoggingLevelSwitch(defaultLevel);
        foreach (var name in KnownComponents)
        {
            _components[name] = new LoggingLevelSwitch(defaultLevel);
        }

        foreach (var (name, level) in componentLevels)
        {
            var key = name.ToLowerInvariant();
            if (_components.TryGetValue(key, out var existing))
            {
                existing.MinimumLevel = level;
            }
            else
            {
                _components[key] = new LoggingLevelSwitch(level);
            }
        }
    }

    /// <summary>The level of logs from categories that are not a component (and of "main").</summary>
    public LoggingLevelSwitch Default { get; }

    public IReadOnlyDictionary<string, LoggingLevelSwitch> Components => _components;

    /// <summary>Sets every logger, as <c>/logging?level=</c>.</summary>
    public void SetAll(LogEventLevel level)
    {
        Default.MinimumLevel = level;
        foreach (var levelSwitch in _components.Values)
        {
            levelSwitch.MinimumLevel = level;
        }
    }

    public bool TrySet(string component, LogEventLevel level)
    {
        if (!_components.TryGetValue(component, out var levelSwitch))
        {
            return false;
        }

        levelSwitch.MinimumLevel = level;
        return true;
    }

    public static bool TryParse(string? text, out LogEventLevel level)
    {
        level = text switch
        {
            "trace" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "info" => LogEventLevel.Information,
            "warning" or "warn" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "critical" => LogEventLevel.Fatal,
            "off" => LevelAlias.Off,
            _ => (LogEventLevel)(-1),
        };
        return (int)level >= 0;
    }

    public static string Name(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "trace",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warning",
        LogEventLevel.Error => "error",
        LogEventLevel.Fatal => "critical",
        _ => "off",
    };
}
