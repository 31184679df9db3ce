using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// envoy.extensions.filters.http.wasm.v3.Wasm, for the one wasm plugin this gateway runs natively:
/// Higress's http-call. The .wasm file is never loaded; the filter is recognised by the plugin's
/// <c>name</c> / <c>root_id</c> (or a <c>--native-plugin NAME=http-call</c> mapping), and any other wasm
/// plugin is refused at load rather than silently skipped, because a skipped auth or rewrite plugin
/// would change what the gateway lets through.
/// </summary>
public sealed class HttpCallFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.wasm.v3.Wasm";

    /// <summary>The native plugin this factory implements, and the value <c>--native-plugin NAME=</c> takes.</summary>
    public const string NativePluginName = "http-call";

    /// <summary>Logger category of plugin logs: Envoy logs wasm plugins under its <c>wasm</c> component.</summary>
    public const string LogCategory = "wasm";

    /// <summary>Every native plugin of this gateway, for the refusal message.</summary>
    public static readonly IReadOnlyList<string> NativePlugins = [NativePluginName];

    private const string PluginConfigType = "envoy.extensions.wasm.v3.PluginConfig";
    private const string VmConfigType = "envoy.extensions.wasm.v3.VmConfig";
    private const string StringValueType = "google.protobuf.StringValue";

    private readonly IReadOnlyDictionary<string, string> _nativePluginMap;

    /// <summary>Only plugins named http-call are native.</summary>
    public HttpCallFilterFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="nativePluginMap">
    /// From <c>--native-plugin NAME=http-call</c>: plugin name (matched against the filter's name, the
    /// plugin's <c>name</c> and its <c>root_id</c>) to native plugin.
    /// </param>
    /// <exception cref="ArgumentException">A mapping names a native plugin this gateway does not have.</exception>
    public HttpCallFilterFactory(IReadOnlyDictionary<string, string> nativePluginMap)
    {
        ArgumentNullException.ThrowIfNull(nativePluginMap);
        foreach (var (name, native) in nativePluginMap)
        {
            if (!NativePlugins.Contains(native, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"--native-plugin {name}={native}: '{native}' is not a native plugin of this gateway; native plugins: {string.Join(", ", NativePlugins)}",
                    nameof(nativePluginMap));
            }
        }

        _nativePluginMap = nativePluginMap;
    }

    public bool IsTerminal => false;

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var wasm = config.Reader;
        var plugin = wasm.Message("config", PluginConfigType);
        if (plugin is null)
        {
            wasm.Context.Error(wasm.Join("config"), wasm.Mark,
                $"wasm filter '{filterName}' has no config; it needs config.name (http-call) and config.configuration");
            return null;
        }

        var pluginName = plugin.String("name") ?? "";
        var rootId = plugin.String("root_id") ?? "";
        var (vmId, wasmFile) = ReadVmConfig(plugin);
        // Knobs about how Envoy runs wasm code (VM failure, reload, capabilities); a native filter has no VM to fail.
        plugin.Accept("fail_open");
        plugin.Accept("failure_policy");
        plugin.Accept("reload_config");
        plugin.Accept("capability_restriction_config");
        plugin.Accept("allow_on_headers_stop_iteration");

        if (!IsHttpCall(filterName, pluginName, rootId))
        {
            // Consume the rest so the refusal is the one message the user sees for this filter.
            plugin.Accept("configuration");
            plugin.Finish();
            var who = pluginName.Length != 0 ? pluginName : rootId.Length != 0 ? rootId : filterName;
            wasm.Context.Error(plugin.Path, plugin.Mark,
                $"wasm plugin '{who}' ({wasmFile}) cannot run: this gateway does not execute .wasm code, it runs " +
                $"native plugins only ({string.Join(", ", NativePlugins)}). If '{who}' is Higress's http-call plugin " +
                $"built under another name, start the gateway with --native-plugin {who}={NativePluginName}; " +
                "otherwise remove this filter from http_filters");
            return null;
        }

        var json = ReadConfiguration(plugin);
        plugin.Finish();
        if (json is null)
        {
            return null;
        }

        var unknownKeys = new List<string>();
        if (!HttpCallConfigParser.TryParse(json.Value.Text, out var parsed, out var error, unknownKeys))
        {
            wasm.Context.Error(json.Value.Path, json.Value.Mark,
                $"{error} (in the configuration of http-call filter '{filterName}')");
            return null;
        }

        foreach (var unknown in unknownKeys)
        {
            wasm.Context.Warning(json.Value.Path, json.Value.Mark, $"{unknown} (ignored by http-call filter '{filterName}', as the WASM plugin ignores keys it does not read)");
        }

        return new HttpCallFilterSettings(filterName, pluginName, rootId, vmId, wasmFile, parsed);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not HttpCallFilterSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(HttpCallFilterFactory)}.");
        }

        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new HttpCallFilter(settings, loggerFactory.CreateLogger(LogCategory));
    }

    /// <summary>True when this entry is http-call (by name, root_id or a --native-plugin mapping), so the native filter may serve it.</summary>
    internal bool IsNative(string filterName, string pluginName, string rootId) => IsHttpCall(filterName, pluginName, rootId);

    private bool IsHttpCall(string filterName, string pluginName, string rootId)
    {
        if (pluginName == NativePluginName || rootId == NativePluginName)
        {
            return true;
        }

        foreach (var candidate in (ReadOnlySpan<string>)[pluginName, rootId, filterName])
        {
            if (candidate.Length != 0 && _nativePluginMap.TryGetValue(candidate, out var native) && native == NativePluginName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads vm_config for its names only: the code is never loaded, so the file need not exist.</summary>
    private static (string VmId, string WasmFile) ReadVmConfig(MessageReader plugin)
    {
        var vm = plugin.Message("vm_config", VmConfigType);
        if (vm is null)
        {
            return ("", "no vm_config");
        }

        var vmId = vm.String("vm_id") ?? "";
        vm.Accept("runtime");
        vm.Accept("configuration");
        vm.Accept("allow_precompiled");
        vm.Accept("nack_on_code_cache_miss");
        vm.Accept("environment_variables");
        var file = "no code";
        if (vm.Message("code", "envoy.config.core.v3.AsyncDataSource") is { } code)
        {
            if (code.Message("local", "envoy.config.core.v3.DataSource") is { } local)
            {
                file = local.String("filename") is { } name ? name
                    : local.Has("inline_bytes") || local.Has("inline_string") ? "inline code" : file;
                local.Accept("inline_bytes");
                local.Accept("inline_string");
                local.Accept("environment_variable");
                local.Accept("watched_directory");
                local.Finish();
            }

            if (code.Message("remote", "envoy.config.core.v3.RemoteDataSource") is { } remote)
            {
                if (remote.Message("http_uri", "envoy.config.core.v3.HttpUri") is { } uri)
                {
                    file = uri.String("uri") ?? "remote code";
                    uri.Accept("cluster");
                    uri.Accept("timeout");
                    uri.Finish();
                }

                remote.Accept("sha256");
                remote.Accept("retry_policy");
                remote.Finish();
            }

            code.Finish();
        }

        vm.Finish();
        return (vmId, file);
    }

    /// <summary>
    /// The plugin JSON from <c>configuration</c> (a google.protobuf.StringValue); "" when absent, which the
    /// plugin reads as <c>{}</c>. Null after reporting an error.
    /// </summary>
    private static (string Text, string Path, YamlMark Mark)? ReadConfiguration(MessageReader plugin)
    {
        if (!plugin.Has("configuration"))
        {
            plugin.Accept("configuration");
            return ("", plugin.Join("configuration"), plugin.Mark);
        }

        // Null here means Any already reported what is wrong (e.g. a missing "@type").
        var any = plugin.Any("configuration");
        if (any is null)
        {
            return null;
        }

        var reader = any.Reader;
        if (any.TypeName != StringValueType)
        {
            reader.Accept("value");
            reader.Finish();
            plugin.Context.Error(reader.Path, reader.Mark,
                $"the http-call configuration must be a {StringValueType} (\"@type\": type.googleapis.com/{StringValueType}, value: the plugin's JSON), not {any.TypeName}");
            return null;
        }

        var valuePath = reader.Join("value");
        var valueMark = reader.MarkOf("value");
        var node = reader.Take("value");
        reader.Finish();
        switch (node)
        {
            case null:
                return ("", valuePath, valueMark);
            case YamlScalarNode scalar:
                return (scalar.Value ?? "", valuePath, YamlMark.Of(scalar));
            default:
                plugin.Context.Error(valuePath, YamlMark.Of(node),
                    "expected the plugin's JSON as a string; YAML read it as a structure, so write it as a block (value: |) or quote it");
                return null;
        }
    }
}
