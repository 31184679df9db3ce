using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads one Envoy proto message from a YAML mapping, the way Envoy's proto-JSON loader would:
/// each field read is marked as consumed, and <see cref="Finish"/> reports every field left over,
/// as Envoy's "has unknown fields" when Envoy has no such field, or as unsupported when Envoy has it
/// and this gateway does not implement it. Nothing in the file is ignored silently.
/// </summary>
public sealed class MessageReader
{
    private readonly Dictionary<string, KeyValuePair<YamlNode, YamlNode>> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public MessageReader(ConfigLoadContext context, YamlMappingNode node, string path, string messageType, string rootType)
    {
        Context = context;
        Node = node;
        Path = path;
        MessageType = messageType;
        RootType = rootType;
        foreach (var entry in node.Children)
        {
            if (entry.Key is not YamlScalarNode { Value: { } key } keyNode)
            {
                context.Error(path, YamlMark.Of(entry.Key), "field names must be plain strings");
                continue;
            }

            // Envoy skips a key tagged !ignore (a place to define YAML anchors used elsewhere).
            if (keyNode.Tag is { IsEmpty: false, IsNonSpecific: false, Value: "!ignore" })
            {
                continue;
            }

            // A key given twice: the last one wins, as yaml-cpp into a protobuf Struct does.
            _fields[key] = entry;
        }
    }

    public ConfigLoadContext Context { get; }

    public YamlMappingNode Node { get; }

    /// <summary>Envoy-style path of this message from the document root, e.g. <c>static_resources.clusters[0]</c>.</summary>
    public string Path { get; }

    /// <summary>Full proto name of the message, e.g. <c>envoy.config.cluster.v3.Cluster</c>.</summary>
    public string MessageType { get; }

    /// <summary>The outermost message (Bootstrap, or the type inside an Any) named in Envoy's unknown-field error.</summary>
    public string RootType { get; }

    public YamlMark Mark => YamlMark.Of(Node);

    public string Join(string field) => Path.Length == 0 ? field : Path + "." + field;

    public bool Has(string field) => _fields.TryGetValue(field, out var e) && !IsNull(e.Value);

    public IEnumerable<string> FieldNames => _fields.Keys;

    public YamlMark MarkOf(string field) => _fields.TryGetValue(field, out var e) ? YamlMark.Of(e.Key) : Mark;

    /// <summary>Marks a field consumed and returns its value node, or null when absent or null.</summary>
    public YamlNode? Take(string field)
    {
        if (!_fields.TryGetValue(field, out var entry))
        {
            return null;
        }

        _consumed.Add(field);
        return IsNull(entry.Value) ? null : entry.Value;
    }

    /// <summary>Marks a field as read without using it (a field whose only meaning is satisfied already).</summary>
    public void Accept(string field) => _consumed.Add(field);

    public string? String(string field)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected a string, got {Describe(node)}");
        return null;
    }

    public string RequiredString(string field)
    {
        var value = String(field);
        if (string.IsNullOrEmpty(value))
        {
            if (!Has(field))
            {
                Context.Error(Join(field), Mark, $"missing required field '{field}'");
            }
            else
            {
                Context.Error(Join(field), MarkOf(field), $"'{field}' must not be empty");
            }
        }

        return value ?? "";
    }

    public bool Bool(string field, bool defaultValue = false)
    {
        var node = Take(field);
        if (node is null)
        {
            return defaultValue;
        }

        // proto3 JSON also accepts a BoolValue wrapper written as {value: true}.
        if (node is YamlMappingNode wrapper)
        {
            var inner = Message(field, "google.protobuf.BoolValue", wrapper);
            var value = inner.Bool("value", defaultValue);
            inner.Finish();
            return value;
        }

        if (node is YamlScalarNode { Value: { } text } scalar && YamlScalars.TryParseBool(scalar, out var parsed))
        {
            return parsed;
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected true or false, got {Describe(node)}");
        return defaultValue;
    }

    public long? Integer(string field, long min, long max)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        // Wrappers such as UInt32Value may be written {value: N}.
        if (node is YamlMappingNode wrapper)
        {
            var inner = Message(field, "google.protobuf.UInt32Value", wrapper);
            var value = inner.Integer("value", min, max);
            inner.Finish();
            return value;
        }

        if (node is YamlScalarNode { Value: not null } scalar && YamlScalars.TryParseInteger(scalar, out var number))
        {
            if (number < min || number > max)
            {
                Context.Error(Join(field), YamlMark.Of(node), $"value {number} is out of range; expected {min} to {max}");
                return null;
            }

            return number;
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected an integer from {min} to {max}, got {Describe(node)}");
        return null;
    }

    public double? Double(string field)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode wrapper)
        {
            var inner = Message(field, "google.protobuf.DoubleValue", wrapper);
            var value = inner.Double("value");
            inner.Finish();
            return value;
        }

        if (node is YamlScalarNode { Value: { } text } &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected a number, got {Describe(node)}");
        return null;
    }

    /// <summary>Reads a google.protobuf.Duration: <c>"15s"</c>, <c>"0.25s"</c>, or <c>{seconds, nanos}</c>; at most <see cref="EnvoyDuration.LongestTimer"/>.</summary>
    public TimeSpan? Duration(string field)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text })
        {
            if (EnvoyDuration.TryParse(text, out var value))
            {
                return EnvoyDuration.ForTimers(value);
            }

            Context.Error(Join(field), YamlMark.Of(node),
                $"invalid duration '{text}'; write seconds with an 's' suffix, e.g. '15s' or '0.25s'");
            return null;
        }

        if (node is YamlMappingNode map)
        {
            var inner = Message(field, "google.protobuf.Duration", map);
            var seconds = inner.Integer("seconds", 0, 315_576_000_000) ?? 0;
            var nanos = inner.Integer("nanos", 0, 999_999_999) ?? 0;
            inner.Finish();
            return EnvoyDuration.ForTimers(TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100));
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected a duration such as '15s', got {Describe(node)}");
        return null;
    }

    /// <summary>
    /// Reads a proto enum case-insensitively (Envoy accepts <c>round_robin</c> and <c>ROUND_ROBIN</c>).
    /// Values Envoy has but this gateway does not implement are reported as unsupported by name.
    /// </summary>
    public T Enum<T>(string field, T defaultValue, string enumType, params string[] knownButUnsupported)
        where T : struct, Enum
    {
        var node = Take(field);
        if (node is null)
        {
            return defaultValue;
        }

        if (node is YamlScalarNode { Value: { } text })
        {
            var normalized = text.Replace("_", "", StringComparison.Ordinal);
            foreach (var name in System.Enum.GetNames<T>())
            {
                if (string.Equals(name, normalized, StringComparison.OrdinalIgnoreCase))
                {
                    return System.Enum.Parse<T>(name);
                }
            }

            foreach (var unsupported in knownButUnsupported)
            {
                if (string.Equals(unsupported, text, StringComparison.OrdinalIgnoreCase))
                {
                    Context.Unsupported(Join(field), YamlMark.Of(node),
                        $"{enumType} {unsupported.ToUpperInvariant()} is not supported by this gateway; supported: {SupportedNames<T>()}");
                    return defaultValue;
                }
            }

            Context.Error(Join(field), YamlMark.Of(node),
                $"invalid value '{text}' for enum {enumType}; expected one of {SupportedNames<T>()}");
            return defaultValue;
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected an enum value of {enumType}, got {Describe(node)}");
        return defaultValue;
    }

    private static string SupportedNames<T>() where T : struct, Enum =>
        string.Join(", ", System.Enum.GetNames<T>().Select(ToUpperSnake));

    internal static string ToUpperSnake(string pascal)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && !char.IsUpper(pascal[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    public MessageReader? Message(string field, string messageType)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode map)
        {
            return Message(field, messageType, map);
        }

        Context.Error(Join(field), YamlMark.Of(node), $"expected a mapping ({messageType}), got {Describe(node)}");
        return null;
    }

    private MessageReader Message(string field, string messageType, YamlMappingNode map) =>
        new(Context, map, Join(field), messageType, RootType);

    public IReadOnlyList<MessageReader> Messages(string field, string messageType)
    {
        var node = Take(field);
        if (node is null)
        {
            return [];
        }

        // One mapping where a list is expected is a one-element list, as Envoy's JSON parsing reads it.
        if (node is YamlMappingNode single)
        {
            return [new MessageReader(Context, single, $"{Join(field)}[0]", messageType, RootType)];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Context.Error(Join(field), YamlMark.Of(node), $"expected a list of {messageType}, got {Describe(node)}");
            return [];
        }

        var result = new List<MessageReader>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var itemPath = $"{Join(field)}[{i}]";
            if (item is YamlMappingNode map)
            {
                result.Add(new MessageReader(Context, map, itemPath, messageType, RootType));
            }
            else
            {
                Context.Error(itemPath, YamlMark.Of(item), $"expected a mapping ({messageType}), got {Describe(item)}");
            }
        }

        return result;
    }

    public IReadOnlyList<string> Strings(string field)
    {
        var node = Take(field);
        if (node is null)
        {
            return [];
        }

        // One string where a list is expected is a one-element list (domains: "*"), as in Envoy.
        if (node is YamlScalarNode { Value: { } one })
        {
            return [one];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Context.Error(Join(field), YamlMark.Of(node), $"expected a list of strings, got {Describe(node)}");
            return [];
        }

        var result = new List<string>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { } value })
            {
                result.Add(value);
            }
            else
            {
                Context.Error($"{Join(field)}[{i}]", YamlMark.Of(sequence.Children[i]), $"expected a string, got {Describe(sequence.Children[i])}");
            }
        }

        return result;
    }

    /// <summary>
    /// Reads a google.protobuf.Any (<c>typed_config</c>): returns the type name (without the
    /// <c>type.googleapis.com/</c> prefix) and a reader over its fields. A <c>udpa.type.v1.TypedStruct</c>
    /// or <c>xds.type.v3.TypedStruct</c> wrapper, as Higress writes it, is unwrapped to its <c>type_url</c>
    /// and <c>value</c>.
    /// </summary>
    public TypedMessage? Any(string field)
    {
        var node = Take(field);
        if (node is null)
        {
            return null;
        }

        return AnyOf(Join(field), node);
    }

    internal TypedMessage? AnyOf(string path, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Context.Error(path, YamlMark.Of(node), $"expected a mapping with an \"@type\" field, got {Describe(node)}");
            return null;
        }

        // {} is an empty Any, which Envoy accepts: the extension is then found by its name alone.
        if (map.Children.Count == 0)
        {
            return null;
        }

        var probe = new MessageReader(Context, map, path, "google.protobuf.Any", RootType);
        var typeUrl = probe.String("@type");
        if (string.IsNullOrEmpty(typeUrl))
        {
            // Envoy's words (protobuf's JSON parser, wrapped by MessageUtil::loadFromJson).
            Context.Error(path, YamlMark.Of(map),
                $"Unable to parse JSON as proto (INVALID_ARGUMENT:({path}): invalid value Missing @type for any field in {MessageType} for type Any); " +
                "write the full type URL first, e.g. \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router");
            return null;
        }

        var typeName = TypeNameOf(typeUrl);
        if (typeName is "udpa.type.v1.TypedStruct" or "xds.type.v3.TypedStruct")
        {
            var innerUrl = probe.RequiredString("type_url");
            var innerType = TypeNameOf(innerUrl);
            var value = probe.Take("value");
            probe.Finish();
            var valueMap = value as YamlMappingNode ?? new YamlMappingNode();
            if (value is not null and not YamlMappingNode)
            {
                Context.Error(path + ".value", YamlMark.Of(value), "expected a mapping");
            }

            return new TypedMessage(innerType, new MessageReader(Context, valueMap, path + ".value", innerType, innerType), true);
        }

        var reader = new MessageReader(Context, map, path, typeName, typeName);
        reader.Accept("@type");
        return new TypedMessage(typeName, reader, false);
    }

    private static string TypeNameOf(string typeUrl)
    {
        var slash = typeUrl.LastIndexOf('/');
        return slash >= 0 ? typeUrl[(slash + 1)..] : typeUrl;
    }

    /// <summary>Reports a present field as unsupported, with a hint of what to do instead.</summary>
    public void Unsupported(string field, string? hint = null)
    {
        if (_fields.TryGetValue(field, out var entry))
        {
            _consumed.Add(field);
            Context.Unsupported(Join(field), YamlMark.Of(entry.Key),
                $"'{field}' of {MessageType} is not supported by this gateway" + (hint is null ? "" : "; " + hint));
        }
    }

    /// <summary>Reports every field not read: unknown to Envoy (an error), or not implemented here.</summary>
    public void Finish()
    {
        foreach (var (name, entry) in _fields)
        {
            if (_consumed.Contains(name))
            {
                continue;
            }

            var mark = YamlMark.Of(entry.Key);
            if (EnvoyFieldCatalog.Knows(MessageType) && !EnvoyFieldCatalog.HasField(MessageType, name))
            {
                Context.Error(Join(name), mark,
                    $"Protobuf message (type {RootType} reason INVALID_ARGUMENT:({Path}) {name}: Cannot find field.) has unknown fields" +
                    (name == "hosts" && MessageType == "envoy.config.cluster.v3.Cluster"
                        ? " ('hosts' is Envoy v2; use load_assignment.endpoints[].lb_endpoints[].endpoint.address)"
                        : Naming.PluginJsonText.DidYouMean(name, EnvoyFieldCatalog.FieldNames(MessageType))));
            }
            else if (EnvoyFieldCatalog.IsInert(MessageType, name))
            {
                Context.Inert(MessageType, name, Join(name), mark,
                    $"'{name}' of {MessageType} is accepted and ignored: it changes nothing a client of this gateway can observe");
            }
            else if (!IsNull(entry.Value))
            {
                Context.Unsupported(Join(name), mark, $"'{name}' of {MessageType} is not supported by this gateway");
            }
        }
    }

    /// <summary>What a node holds, for "expected X, got ..." messages: the value itself when it is a scalar.</summary>
    internal static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Value: { } v } => $"'{(v.Length > 80 ? v[..80] + "…" : v)}'",
        YamlScalarNode => "null",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };
}
