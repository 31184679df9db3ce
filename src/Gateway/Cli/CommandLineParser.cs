using Gateway.Filters.HttpCall;
using Gateway.Logging;
using Serilog.Events;

namespace Gateway.Cli;

/// <summary>
/// Parses Envoy's command line (so container commands and scripts written for Envoy keep working)
/// plus this gateway's own flags. Envoy flags that only tune Envoy internals are accepted and noted.
/// </summary>
public static class CommandLineParser
{
    // Envoy flags that tune its own internals (hot restart, shared memory, ...): no effect here. --concurrency is parsed.
    private static readonly HashSet<string> IgnoredWithValue = new(StringComparer.Ordinal)
    {
        "--base-id", "--drain-time-s", "--parent-shutdown-time-s", "--restart-epoch",
        "--file-flush-interval-msec", "--drain-strategy",
        "--local-address-ip-version", "--socket-path", "--socket-mode", "--base-id-path", "--stats-tag",
        "--disable-extensions", "--bootstrap-version",
        "--hot-restart-version",
    };

    private static readonly HashSet<string> IgnoredSwitches = new(StringComparer.Ordinal)
    {
        "--disable-hot-restart", "--use-dynamic-base-id", "--enable-mutex-tracing", "--cpuset-threads",
        "--enable-core-dump", "--log-format-escaped", "--enable-fine-grain-logging", "--reject-unknown-dynamic-fields",
        "--ignore-unknown-dynamic-fields", "--allow-unknown-static-fields", "--disable-extensions-check",
        "--skip-hot-restart-on-no-parent", "--skip-hot-restart-parent-stats",
    };

    public const string Usage = """
        usage: Gateway [-c FILE] [options]
               Gateway cluster-name '<cluster JSON>'

          -c, --config-path FILE       envoy.yaml to serve (default: config/envoy.yaml)
          --mode serve|validate|init_only  validate: check the config, print "configuration 'FILE' OK", exit;
                                       init_only: also build everything serving needs, then exit 0 without serving
          --config-yaml YAML           merged over the -c file as Envoy merges it (maps merged, lists appended)
          -l, --log-level LEVEL        trace, debug, info, warning, error, critical, off (default: info)
          --component-log-level C:L,.. per component, e.g. wasm:debug,router:trace
          --ignore-unsupported         start even if the config uses Envoy fields not implemented here (each is warned)
          --native-plugin NAME=http-call  serve the wasm plugin NAME with the native http-call filter
          --disable-hot-reload         do not watch the config file for changes
          --log-format PATTERN         Envoy's log line format flags (default '[%Y-%m-%d %T.%e][%t][%l][%n] %v')
          --log-path FILE              append the log to FILE instead of stderr
          --log-json                   write the gateway's own logs as JSON lines (with the rendered message)
          --version                    print the version and exit
          --concurrency N              event loops (Envoy's worker threads; default: one per core)
          Envoy's other tuning flags (--base-id, --drain-time-s, ...) are accepted and have no effect.
        """;

    public static bool TryParse(string[] args, out GatewayOptions options, out string? error)
    {
        options = new GatewayOptions { Arguments = args };
        error = null;
        var ignored = new List<string>();
        var components = new Dictionary<string, LogEventLevel>(StringComparer.OrdinalIgnoreCase);
        var plugins = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 < args.Length)
                {
                    return args[++i];
                }

                return null;
            }

            switch (arg)
            {
                case "-c" or "--config-path":
                {
                    var value = Value();
                    if (string.IsNullOrEmpty(value))
                    {
                        error = $"{arg} needs a file name";
                        return false;
                    }

                    options = options with { ConfigPath = value };
                    break;
                }

                case "--mode":
                {
                    var value = Value();
                    if (value is not ("serve" or "validate" or "init_only"))
                    {
                        error = $"--mode must be serve, validate or init_only, not '{value}'";
                        return false;
                    }

                    options = options with { Mode = value };
                    break;
                }

                case "-l" or "--log-level":
                {
                    var value = Value();
                    if (!TryParseLevel(value, out var level))
                    {
                        error = $"invalid log level '{value}'; use trace, debug, info, warning, error, critical or off";
                        return false;
                    }

                    options = options with { LogLevel = level };
                    break;
                }

                case "--component-log-level":
                {
                    var value = Value() ?? "";
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var colon = part.IndexOf(':');
                        if (colon <= 0 || !TryParseLevel(part[(colon + 1)..], out var level))
                        {
                            error = $"invalid --component-log-level entry '{part}'; write component:level, e.g. wasm:debug";
                            return false;
                        }

                        components[part[..colon]] = level;
                    }

                    options = options with { ComponentLogLevels = components };
                    break;
                }

                case "--native-plugin":
                {
                    var value = Value() ?? "";
                    var sep = value.IndexOf('=');
                    if (sep <= 0 || sep == value.Length - 1)
                    {
                        error = $"--native-plugin needs NAME=native-plugin, e.g. --native-plugin wasmdemo=http-call (got '{value}')";
                        return false;
                    }

                    // Checked here, not only by the filter factory, so a typo is a usage error rather than a crash at start-up.
                    var native = value[(sep + 1)..];
                    if (!HttpCallFilterFactory.NativePlugins.Contains(native, StringComparer.Ordinal))
                    {
                        error = $"--native-plugin {value}: '{native}' is not a native plugin of this gateway; use one of {string.Join(", ", HttpCallFilterFactory.NativePlugins)}, e.g. --native-plugin {value[..sep]}={HttpCallFilterFactory.NativePluginName}";
                        return false;
                    }

                    plugins[value[..sep]] = native;
                    options = options with { NativePlugins = plugins };
                    break;
                }

                case "--concurrency":
                {
                    // Envoy's TCLAP reads an unsigned number and runs max(1, N) workers (options_impl.cc); 0 is one.
                    var value = Value();
                    if (!uint.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count > 1024)
                    {
                        error = $"--concurrency needs a number of event loops from 0 to 1024 (0 runs one, as Envoy), e.g. --concurrency 2 (got '{value}')";
                        return false;
                    }

                    options = options with { Concurrency = (int)Math.Max(1, count) };
                    break;
                }

                case "--ignore-unsupported":
                    options = options with { IgnoreUnsupported = true };
                    break;
                case "--disable-hot-reload":
                    options = options with { DisableHotReload = true };
                    break;
                case "--log-format" or "--log-path":
                {
                    var value = Value();
                    if (string.IsNullOrEmpty(value))
                    {
                        error = arg == "--log-path" ? "--log-path needs a file name" : "--log-format needs a pattern, e.g. '[%Y-%m-%d %T.%e][%t][%l][%n] %v'";
                        return false;
                    }

                    options = arg == "--log-path" ? options with { LogPath = value } : options with { LogFormat = value };
                    break;
                }

                case "--log-json":
                    options = options with { JsonLogs = true };
                    break;
                case "--admin-address-path":
                    options = options with { AdminAddressPath = Value() ?? "" };
                    break;
                case "--config-yaml":
                    options = options with { ConfigYaml = Value() ?? "" };
                    break;
                case "--service-cluster":
                    options = options with { ServiceCluster = Value() ?? "" };
                    break;
                case "--service-node":
                    options = options with { ServiceNode = Value() ?? "" };
                    break;
                case "--service-zone":
                    options = options with { ServiceZone = Value() ?? "" };
                    break;
                default:
                    if (IgnoredWithValue.Contains(arg))
                    {
                        var value = Value();
                        ignored.Add($"{arg} {value}");
                    }
                    else if (IgnoredSwitches.Contains(arg))
                    {
                        ignored.Add(arg);
                    }
                    else
                    {
                        error = $"unknown argument '{args[i]}'";
                        return false;
                    }

                    break;
            }
        }

        options = options with { IgnoredEnvoyFlags = ignored };
        return true;
    }

    /// <summary>Envoy's level names, as <c>/logging</c> takes them; case-insensitive on the command line.</summary>
    private static bool TryParseLevel(string? value, out LogEventLevel level) => LogLevels.TryParse(value?.ToLowerInvariant(), out level);
}
