using Serilog.Events;

namespace Gateway.Cli;

/// <summary>What the command line asked for, after parsing Envoy's flags and the gateway's own.</summary>
public sealed record GatewayOptions
{
    public string ConfigPath { get; init; } = "config/envoy.yaml";

    /// <summary>--config-yaml: YAML merged over the -c file as Envoy merges it; null: none.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>--service-cluster: node.cluster, over the file's (Envoy's LocalInfo); empty: the file's.</summary>
    public string ServiceCluster { get; init; } = "";

    /// <summary>--service-node: node.id, over the file's; empty: the file's.</summary>
    public string ServiceNode { get; init; } = "";

    /// <summary>--service-zone: node.locality.zone, over the file's; empty: the file's.</summary>
    public string ServiceZone { get; init; } = "";

    /// <summary>serve (default), validate or init_only, as Envoy's --mode.</summary>
    public string Mode { get; init; } = "serve";

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Per-component levels from --component-log-level (e.g. wasm → Debug).</summary>
    public IReadOnlyDictionary<string, LogEventLevel> ComponentLogLevels { get; init; } = new Dictionary<string, LogEventLevel>();

    /// <summary>--concurrency: the number of event loops (Envoy's workers); null: one per core.</summary>
    public int? Concurrency { get; init; }

    public bool IgnoreUnsupported { get; init; }

    public bool DisableHotReload { get; init; }

    /// <summary>How often the config file is polled besides the watcher (tests set it long to see the watcher alone).</summary>
    public TimeSpan ConfigPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>--admin-address-path: once the admin listener is bound, its address (ip:port) is written there, as Envoy does.</summary>
    public string? AdminAddressPath { get; init; }

    /// <summary>Gateway log lines as JSON instead of Envoy's text shape.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>--log-format: an Envoy (spdlog) pattern for the text log lines; null = Envoy's default.</summary>
    public string? LogFormat { get; init; }

    /// <summary>--log-path: append log lines to this file instead of stderr, as Envoy.</summary>
    public string? LogPath { get; init; }

    /// <summary>
    /// Where else the log lines go, for a host embedding the gateway (the test-host package keeps them
    /// for assertions). Each gets every event the levels let through, already enriched with Envoy's fields.
    /// </summary>
    public IReadOnlyList<Serilog.Core.ILogEventSink> LogSinks { get; init; } = [];

    /// <summary>Writes the log to stderr (or --log-path); an embedding host that keeps the lines itself may turn it off.</summary>
    public bool WriteLog { get; init; } = true;

    /// <summary>--native-plugin NAME=native: wasm plugin names served by a native filter.</summary>
    public IReadOnlyDictionary<string, string> NativePlugins { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// HTTP filters beyond the built-in ones, for a host embedding the gateway (a test suite, an
    /// application adding its own filter): each parses its own typed_config type, as the built-in ones do.
    /// </summary>
    public IReadOnlyList<Filters.IHttpFilterFactory> AdditionalFilterFactories { get; init; } = [];

    /// <summary>Envoy flags accepted but without effect here, reported at debug level once running.</summary>
    public IReadOnlyList<string> IgnoredEnvoyFlags { get; init; } = [];

    /// <summary>The clock of filter timers (rate-limit refills, fault delays); tests put a fake one here.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The command line as given, for /server_info.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}
