using System.Text;
using System.Text.Json;

namespace Gateway.AccessLog;

/// <summary>
/// <c>%DYNAMIC_METADATA(NAMESPACE:KEY:...)%</c>: a value filters set on the request. A string prints as
/// itself, anything else (numbers, bools, maps, lists; the whole namespace when no key is given) as
/// JSON, as Envoy prints a protobuf Value; absent prints as <c>-</c>.
/// </summary>
public sealed class DynamicMetadataSegment : AccessLogSegment
{
    private readonly string _namespace;
    private readonly string[] _path;

    public DynamicMetadataSegment(string ns, string[] path)
    {
        _namespace = ns;
        _path = path;
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        var metadata = entry.State.DynamicMetadataOrNull?.Get(_namespace);
        return metadata is not null && AppendPath(text, metadata, _path);
    }

    /// <summary>Walks <paramref name="path"/> down nested maps from <paramref name="root"/> and appends what it reaches.</summary>
    internal static bool AppendPath(StringBuilder text, object root, string[] path)
    {
        object? value = root;
        foreach (var key in path)
        {
            if (value is IReadOnlyDictionary<string, object?> map && map.TryGetValue(key, out var next))
            {
                value = next;
            }
            else if (value is IDictionary<string, object?> dictionary && dictionary.TryGetValue(key, out var inner))
            {
                value = inner;
            }
            else
            {
                return false;
            }
        }

        return AppendValue(text, value);
    }

    internal static bool AppendValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                return false;
            case string s:
                text.Append(s);
                return true;
            case bool b:
                text.Append(b ? "true" : "false");
                return true;
            default:
                text.Append(UntypedJson.Serialize(value));
                return true;
        }
    }
}
