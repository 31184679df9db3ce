using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.Lua;

/// <summary>
/// envoy.extensions.filters.http.lua.v3.Lua and LuaPerRoute. Scripts are loaded (their top level run)
/// at config load, so a syntax error or a failing require() refuses the config, as in Envoy.
/// </summary>
public sealed class LuaFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.lua.v3.Lua";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.lua.v3.LuaPerRoute";

    private readonly ILoggerFactory _loggers;

    public LuaFilterFactory(ILoggerFactory? loggers = null)
    {
        _loggers = loggers ?? NullLoggerFactory.Instance;
    }

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var directory = ScriptDirectory(reader.Context);
        LuaScript? defaultScript = null;
        if (reader.String("inline_code") is { Length: > 0 } inline)
        {
            defaultScript = Load(reader, "inline_code", inline, directory);
        }

        if (reader.Message("default_source_code", "envoy.config.core.v3.DataSource") is { } source)
        {
            var path = source.Path;
            var mark = source.Mark;
            if (HeaderMatcherReader.ReadDataSource(source) is { } code)
            {
                defaultScript = LoadAt(reader.Context, path, mark, code, directory);
            }
        }

        var sourceCodes = new Dictionary<string, LuaScript>(StringComparer.Ordinal);
        if (reader.Take("source_codes") is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                var path = reader.Join("source_codes") + "." + name;
                if (value is not YamlMappingNode body)
                {
                    reader.Context.Error(path, YamlMark.Of(value), "expected a DataSource (inline_string or filename)");
                    continue;
                }

                var data = new MessageReader(reader.Context, body, path, "envoy.config.core.v3.DataSource", reader.RootType);
                if (HeaderMatcherReader.ReadDataSource(data) is { } code && LoadAt(reader.Context, path, YamlMark.Of(body), code, directory) is { } script)
                {
                    sourceCodes[name] = script;
                }
            }
        }

        var statPrefix = reader.String("stat_prefix") ?? "";
        var clearRouteCache = reader.Bool("clear_route_cache", true);
        reader.Finish();
        return new LuaSettings(filterName, defaultScript, sourceCodes, clearRouteCache, statPrefix);
    }

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? ParsePerRoute(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var disabled = reader.Bool("disabled");
        var name = reader.String("name");
        LuaScript? script = null;
        if (reader.Message("source_code", "envoy.config.core.v3.DataSource") is { } source)
        {
            var path = source.Path;
            var mark = source.Mark;
            if (HeaderMatcherReader.ReadDataSource(source) is { } code)
            {
                script = LoadAt(reader.Context, path, mark, code, ScriptDirectory(reader.Context));
            }
        }

        return new LuaPerRouteSettings(disabled, name, script);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services)
    {
        if (config.Settings is not LuaSettings settings)
        {
            throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(LuaFilterFactory)}.");
        }

        var loggers = services.GetService<ILoggerFactory>() ?? _loggers;
        return new LuaFilter(settings, loggers.CreateLogger("lua"));
    }

    private static string? ScriptDirectory(ConfigLoadContext context) =>
        string.IsNullOrEmpty(context.File) ? null : Path.GetDirectoryName(Path.GetFullPath(context.File));

    private static LuaScript? Load(MessageReader owner, string field, string code, string? directory) =>
        LoadAt(owner.Context, owner.Join(field), owner.MarkOf(field), code, directory);

    private static LuaScript? LoadAt(ConfigLoadContext context, string path, YamlMark mark, string code, string? directory)
    {
        var script = new LuaScript(code, directory);
        if (script.LoadError is { } error)
        {
            context.Error(path, mark, $"script load error: {error}");
            return null;
        }

        return script;
    }
}
