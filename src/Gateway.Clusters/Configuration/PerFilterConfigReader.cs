using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads <c>typed_per_filter_config</c> (a map from http filter name to an Any), unwrapping
/// <c>envoy.config.route.v3.FilterConfig</c>, and hands each message to the filter parser that claims
/// its type, as Envoy finds the per-route factory by the message's type URL.
/// </summary>
internal static class PerFilterConfigReader
{
    private const string FilterConfigType = "envoy.config.route.v3.FilterConfig";

    public static IReadOnlyDictionary<string, PerFilterConfig> Read(MessageReader owner, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var node = owner.Take("typed_per_filter_config");
        if (node is null)
        {
            return PerFilterConfig.None;
        }

        var path = owner.Join("typed_per_filter_config");
        if (node is not YamlMappingNode map)
        {
            owner.Context.Error(path, YamlMark.Of(node), "expected a mapping from http filter name to a typed config");
            return PerFilterConfig.None;
        }

        var result = new Dictionary<string, PerFilterConfig>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                owner.Context.Error(path, YamlMark.Of(keyNode), "typed_per_filter_config keys are http filter names");
                continue;
            }

            var entryPath = path + "." + name;
            var typed = owner.AnyOf(entryPath, valueNode);
            if (typed is null)
            {
                continue;
            }

            if (ReadEntry(name, typed, entryPath, parsers) is { } entry)
            {
                result[name] = entry;
            }
        }

        return result;
    }

    private static PerFilterConfig? ReadEntry(string name, TypedMessage typed, string path, IReadOnlyList<IHttpFilterConfigParser> parsers)
    {
        var disabled = false;
        var optional = false;
        var message = typed;
        if (typed.TypeName == FilterConfigType)
        {
            var wrapper = typed.Reader;
            disabled = wrapper.Bool("disabled");
            optional = wrapper.Bool("is_optional");
            var inner = wrapper.Any("config");
            wrapper.Finish();
            if (inner is null)
            {
                // A bare FilterConfig enables or disables the filter for this route.
                return new PerFilterConfig(name, "", disabled, null, path);
            }

            message = inner;
        }

        var parser = parsers.FirstOrDefault(p => p.CanParsePerRoute(message.TypeName));
        if (parser is null)
        {
            var context = message.Reader.Context;
            if (optional)
            {
                context.Warning(path, message.Reader.Mark, $"optional per-route config for '{name}' ({message.TypeName}) is not supported and is skipped");
                return null;
            }

            context.Unsupported(path, message.Reader.Mark, $"per-route config for http filter '{name}' ({message.TypeName}) is not supported by this gateway");
            return null;
        }

        var settings = parser.ParsePerRoute(name, message);
        message.Reader.Finish();
        return new PerFilterConfig(name, message.TypeName, disabled, settings, path);
    }
}
