using System.Text;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters.HttpCall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.Wasm;

/// <summary>
/// envoy.extensions.filters.http.wasm.v3.Wasm. One factory decides who serves each entry: when the code
/// it names exists (a local file, inline bytes or string) the plugin runs on the wasm host, as Envoy
/// would; when the file is absent and the plugin is Higress's http-call (by name, root_id or
/// <c>--native-plugin NAME=http-call</c>), the native http-call filter serves it. Anything else is a
/// config error naming the file and the plugin. Loading the plugin (compile, on_vm_start, on_configure)
/// happens here, so <c>--mode validate</c> and reloads refuse a plugin that does not start.
/// </summary>
public sealed partial class WasmFilterFactory : IHttpFilterFactory
{
    private const string PluginConfigType = "envoy.extensions.wasm.v3.PluginConfig";
    private const string VmConfigType = "envoy.extensions.wasm.v3.VmConfig";
    private const string StringValueType = "google.protobuf.StringValue";
    private const string BytesValueType = "google.protobuf.BytesValue";

    private readonly HttpCallFilterFactory _native;

    public WasmFilterFactory(IReadOnlyDictionary<string, string> nativePluginMap) => _native = new HttpCallFilterFactory(nativePluginMap);

    public WasmFilterFactory()
        : this(new Dictionary<string, string>())
    {
    }

    public bool CanParse(string typeName) => typeName == HttpCallFilterFactory.TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var node = config.Reader.Node;
        var plugin = Child(node, "config");
        var pluginName = Scalar(Child(plugin, "name")) ?? "";
        var rootId = Scalar(Child(plugin, "root_id")) ?? "";
        var code = Child(Child(plugin, "vm_config"), "code");
        var local = Child(code, "local");
        var file = Scalar(Child(local, "filename"));
        var hasInline = Child(local, "inline_bytes") is not null || Child(local, "inline_string") is not null;
        var remote = Child(code, "remote");
        var who = pluginName.Length != 0 ? pluginName : rootId.Length != 0 ? rootId : filterName;

        if (remote is not null)
        {
            var uri = Scalar(Child(Child(remote, "http_uri"), "uri")) ?? "remote code";
            config.Reader.Context.Error(config.Reader.Join("config.vm_config.code.remote"), YamlMark.Of(remote),
                $"wasm plugin '{who}': vm_config.code.remote ({uri}) is not supported: this gateway does not fetch code over the network; " +
                "download the .wasm and name it in vm_config.code.local.filename");
            // The refusal above says all there is to say about this filter: its fields are not listed again.
            config.Reader.Accept("config");
            return null;
        }

        var path = file is null ? null : ResolvePath(file, config.Reader.Context.File);
        if (!hasInline && (path is null || !File.Exists(path)))
        {
            if (_native.IsNative(filterName, pluginName, rootId))
            {
                return _native.Parse(filterName, config);
            }

            var mark = local is not null ? YamlMark.Of(local) : config.Reader.Mark;
            config.Reader.Context.Error(config.Reader.Join("config.vm_config.code.local.filename"), mark,
                file is null
                    ? $"wasm plugin '{who}' names no code: set vm_config.code.local.filename (or inline_bytes / inline_string)"
                    : $"wasm plugin '{who}': code file '{file}' does not exist (looked for {path}). Put the plugin's .wasm there, " +
                      $"or, if '{who}' is Higress's http-call plugin built under another name, start the gateway with --native-plugin {who}={HttpCallFilterFactory.NativePluginName}");
            config.Reader.Accept("config");
            return null;
        }

        return ParseWasm(filterName, config, path);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger(HttpCallFilterFactory.LogCategory);
        if (config.Settings is HttpCallFilterSettings native)
        {
            Log.ServedNatively(logger, config.Name, native.PluginName.Length != 0 ? native.PluginName : native.RootId, native.WasmFile);
            return _native.Create(config, services);
        }

        if (config.Settings is not WasmPluginSettings { Plugin: { } plugin } settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(WasmFilterFactory)}.");
        }

        plugin.Activate(logger);
        Log.ServedByWasm(logger, config.Name, settings.PluginName, settings.CodeSource, plugin.Code.AbiVersion,
            plugin.Code.FromDiskCache ? "from the compiled-code cache" : "compiled", settings.PoolSize);
        if (plugin.Code.StubbedImports.Count != 0)
        {
            Log.Stubbed(logger, settings.PluginName, string.Join(", ", plugin.Code.StubbedImports));
        }

        return new WasmFilter(plugin);
    }

    private static WasmPluginSettings? ParseWasm(string filterName, TypedMessage config, string? path)
    {
        var wasm = config.Reader;
        var context = wasm.Context;
        var plugin = wasm.Message("config", PluginConfigType)!;
        wasm.Finish();
        var pluginName = plugin.String("name") ?? "";
        var rootId = plugin.String("root_id") ?? "";
        var who = pluginName.Length != 0 ? pluginName : rootId.Length != 0 ? rootId : filterName;
        var configuration = ReadValue(plugin, "configuration", who) ?? [];
        var failOpen = plugin.Bool("fail_open");
        var policy = plugin.Enum("failure_policy", WasmFailurePolicy.Unspecified, "envoy.extensions.wasm.v3.FailurePolicy");
        if (policy == WasmFailurePolicy.Unspecified)
        {
            policy = failOpen ? WasmFailurePolicy.FailOpen : WasmFailurePolicy.FailClosed;
        }

        var baseInterval = TimeSpan.FromSeconds(1);
        TimeSpan? maxInterval = null;
        if (plugin.Message("reload_config", "envoy.extensions.wasm.v3.ReloadConfig") is { } reload)
        {
            if (reload.Message("backoff", "envoy.config.core.v3.BackoffStrategy") is { } backoff)
            {
                baseInterval = backoff.Duration("base_interval") ?? baseInterval;
                maxInterval = backoff.Duration("max_interval");
                backoff.Finish();
            }

            reload.Finish();
        }

        // Envoy's capability restriction limits which host calls a plugin may make; every call is allowed here.
        if (plugin.Has("capability_restriction_config"))
        {
            context.Warning(plugin.Join("capability_restriction_config"), plugin.MarkOf("capability_restriction_config"),
                $"wasm plugin '{who}': capability_restriction_config is not enforced by this gateway; every host function is available");
        }

        plugin.Accept("capability_restriction_config");
        plugin.Accept("allow_on_headers_stop_iteration");

        var vm = plugin.Message("vm_config", VmConfigType);
        plugin.Finish();
        if (vm is null)
        {
            return null;
        }

        var vmId = vm.String("vm_id") ?? "";
        var runtime = vm.String("runtime") ?? "";
        if (runtime == "envoy.wasm.runtime.null")
        {
            context.Error(vm.Join("runtime"), vm.MarkOf("runtime"),
                $"wasm plugin '{who}': runtime envoy.wasm.runtime.null runs C++ plugins compiled into Envoy, which this gateway does not have; use a .wasm with another runtime (v8, wamr, wasmtime: all run on Wasmtime here)");
            return null;
        }

        var vmConfiguration = ReadValue(vm, "configuration", who) ?? [];
        var allowPrecompiled = vm.Bool("allow_precompiled");
        vm.Accept("nack_on_code_cache_miss");
        if (vm.Has("environment_variables"))
        {
            context.Warning(vm.Join("environment_variables"), vm.MarkOf("environment_variables"),
                $"wasm plugin '{who}': environment_variables are not passed; plugins here see no environment");
        }

        vm.Accept("environment_variables");
        byte[]? bytes = null;
        var source = path ?? "inline code";
        var codePath = vm.Join("code");
        var codeMark = vm.MarkOf("code");
        if (vm.Message("code", "envoy.config.core.v3.AsyncDataSource") is { } code)
        {
            if (code.Message("local", "envoy.config.core.v3.DataSource") is { } local)
            {
                codePath = local.Path;
                codeMark = local.Mark;
                local.Accept("filename");
                if (local.String("inline_string") is { } inlineString)
                {
                    bytes = Encoding.UTF8.GetBytes(inlineString);
                }

                if (local.String("inline_bytes") is { } inlineBytes)
                {
                    try
                    {
                        bytes = Convert.FromBase64String(inlineBytes);
                    }
                    catch (FormatException)
                    {
                        context.Error(local.Join("inline_bytes"), local.MarkOf("inline_bytes"), $"wasm plugin '{who}': inline_bytes is not base64");
                        return null;
                    }
                }

                local.Unsupported("environment_variable");
                local.Unsupported("watched_directory");
                local.Finish();
            }

            code.Finish();
        }

        vm.Finish();
        if (bytes is null && path is not null)
        {
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error(codePath, codeMark, $"wasm plugin '{who}': cannot read code file '{path}': {e.Message}");
                return null;
            }
        }

        if (bytes is null || context.HasErrors)
        {
            return null;
        }

        var settings = new WasmPluginSettings
        {
            FilterName = filterName,
            PluginName = pluginName,
            RootId = rootId,
            VmId = vmId,
            CodeSource = source,
            Configuration = configuration,
            VmConfiguration = vmConfiguration,
            FailurePolicy = policy,
            ReloadBaseInterval = baseInterval,
            ReloadMaxInterval = maxInterval ?? TimeSpan.FromTicks(baseInterval.Ticks * 10),
        };
        try
        {
            var compiled = WasmRuntime.Shared.Load(bytes, allowPrecompiled);
            settings.Plugin = new WasmPlugin(settings, compiled);
        }
        catch (WasmLoadException e)
        {
            context.Error(codePath, codeMark, $"wasm plugin '{who}' ({source}) {e.Message}");
            return null;
        }

        return settings;
    }

    /// <summary>A google.protobuf.StringValue / BytesValue as the bytes the plugin reads; empty when absent.</summary>
    private static byte[]? ReadValue(MessageReader reader, string field, string who)
    {
        if (!reader.Has(field))
        {
            reader.Accept(field);
            return [];
        }

        var any = reader.Any(field);
        if (any is null)
        {
            return null;
        }

        var value = any.Reader;
        if (any.TypeName is not (StringValueType or BytesValueType))
        {
            value.Accept("value");
            value.Finish();
            reader.Context.Error(value.Path, value.Mark,
                $"wasm plugin '{who}': {field} must be a {StringValueType} or {BytesValueType}, not {any.TypeName}");
            return null;
        }

        var node = value.Take("value");
        value.Finish();
        var text = node switch
        {
            null => "",
            YamlScalarNode scalar => scalar.Value ?? "",
            _ => null,
        };
        if (text is null)
        {
            reader.Context.Error(value.Join("value"), YamlMark.Of(node!),
                "expected the plugin's configuration as a string; YAML read it as a structure, so write it as a block (value: |) or quote it");
            return null;
        }

        if (any.TypeName == BytesValueType)
        {
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                reader.Context.Error(value.Join("value"), YamlMark.Of(node!), $"wasm plugin '{who}': a BytesValue is base64");
                return null;
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Envoy opens a relative filename from its working directory; failing that, beside envoy.yaml.</summary>
    private static string ResolvePath(string file, string configFile)
    {
        if (Path.IsPathRooted(file))
        {
            return file;
        }

        var fromCwd = Path.GetFullPath(file);
        if (File.Exists(fromCwd))
        {
            return fromCwd;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(configFile));
        var besideConfig = dir is null ? fromCwd : Path.Combine(dir, file);
        return File.Exists(besideConfig) ? besideConfig : fromCwd;
    }

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is not YamlScalarNode { Value: null or "~" or "null" } ? child : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "WasmServedNatively", Level = LogLevel.Information,
            Message = "wasm filter '{FilterName}' (plugin '{PluginName}'): served by the native http-call filter ({WasmFile} does not exist; put the .wasm there to run it instead)")]
        public static partial void ServedNatively(ILogger logger, string filterName, string pluginName, string wasmFile);

        [LoggerMessage(EventId = 31, EventName = "WasmServedByWasm", Level = LogLevel.Information,
            Message = "wasm filter '{FilterName}' (plugin '{PluginName}'): runs {Code} on Wasmtime (proxy-wasm ABI {Abi}, {Compiled}, {Instances} instances)")]
        public static partial void ServedByWasm(ILogger logger, string filterName, string pluginName, string code, string abi, string compiled, int instances);

        [LoggerMessage(EventId = 32, EventName = "WasmStubbedImports", Level = LogLevel.Warning,
            Message = "wasm plugin '{PluginName}' imports host functions this gateway does not implement; they return Unimplemented: {Imports}")]
        public static partial void Stubbed(ILogger logger, string pluginName, string imports);
    }
}
