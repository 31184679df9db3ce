using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Writes a parsed envoy.yaml subtree as the proto JSON Envoy prints for the same message (its admin
/// <c>/config_dump</c>): fields in proto order, each value by its type from <see cref="EnvoyFieldCatalog"/>
/// (enums upper case, durations as <c>0.300s</c>, 64-bit integers as strings, one element given for a
/// list as a list, an <c>Any</c> with its <c>@type</c> and the packed message's fields), and sensitive
/// values (private keys, passwords) replaced by <c>[redacted]</c> as Envoy does. A message or field the
/// catalog does not know is written as yaml-cpp would hand it to a protobuf Struct.
/// </summary>
public static class ProtoJsonRenderer
{
    private const string TypePrefix = "type.googleapis.com/";
    private const string Redacted = "[redacted]";

    // Fields Envoy's protos mark (udpa.annotations.sensitive): their string leaves are redacted.
    private static readonly HashSet<string> SensitiveNames = new(StringComparer.Ordinal)
    {
        "private_key", "password", "secret", "secrets", "secret_data", "keys", "secret_access_key",
        "session_token", "users", "auth_password", "auth_username", "downstream_auth_password",
        "downstream_auth_passwords", "downstream_auth_username", "backend_token", "credentials",
        "context_extensions", "web_identity_token_data_source", "credentials_data_source",
    };

    /// <summary>Writes <paramref name="node"/> as message <paramref name="messageType"/> (an object).</summary>
    public static void WriteMessage(Utf8JsonWriter json, YamlNode node, string messageType, bool withType = false)
    {
        if (node is not YamlMappingNode map)
        {
            WriteRaw(json, node, redact: false);
            return;
        }

        json.WriteStartObject();
        if (withType)
        {
            json.WriteString("@type", TypePrefix + messageType);
        }

        WriteFields(json, map, messageType);
        json.WriteEndObject();
    }

    /// <summary>Each child of a list, or the one node given where a list is expected.</summary>
    public static IEnumerable<YamlNode> Items(YamlNode? node) => node switch
    {
        null => [],
        YamlSequenceNode list => list.Children,
        YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain } => [],
        _ => [node],
    };

    /// <summary>The value of <paramref name="key"/> in a mapping (the last one if given twice), or null.</summary>
    public static YamlNode? Child(YamlNode? node, string key)
    {
        YamlNode? found = null;
        if (node is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode { Value: { } name } && name == key)
                {
                    found = v;
                }
            }
        }

        return found;
    }

    private static void WriteFields(Utf8JsonWriter json, YamlMappingNode map, string messageType)
    {
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name } scalarKey &&
                scalarKey.Tag is not { IsEmpty: false, IsNonSpecific: false, Value: "!ignore" } &&
                !IsNull(value))
            {
                values[name] = value;
            }
        }

        var fields = EnvoyFieldCatalog.Fields(messageType);
        foreach (var field in fields)
        {
            if (values.Remove(field.Name, out var value))
            {
                json.WritePropertyName(field.Name);
                WriteField(json, field, value, SensitiveNames.Contains(field.Name));
            }
        }

        // Fields the catalog does not know (or a message it does not list), in the order written.
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && values.Remove(name, out var rest))
            {
                json.WritePropertyName(name);
                WriteRaw(json, rest, SensitiveNames.Contains(name));
            }
        }
    }

    private static void WriteField(Utf8JsonWriter json, EnvoyField field, YamlNode value, bool redact)
    {
        if (field.IsMap)
        {
            var valueType = field.Type[(field.Type.IndexOf(',', StringComparison.Ordinal) + 1)..^1];
            if (value is not YamlMappingNode map)
            {
                WriteRaw(json, value, redact);
                return;
            }

            json.WriteStartObject();
            foreach (var (k, v) in map.Children)
            {
                json.WritePropertyName(k is YamlScalarNode { Value: { } name } ? name : "");
                WriteValue(json, valueType, false, v, redact);
            }

            json.WriteEndObject();
            return;
        }

        if (field.IsRepeated)
        {
            json.WriteStartArray();
            foreach (var item in Items(value))
            {
                WriteValue(json, field.Type, field.IsEnum, item, redact);
            }

            json.WriteEndArray();
            return;
        }

        WriteValue(json, field.Type, field.IsEnum, value, redact);
    }

    private static void WriteValue(Utf8JsonWriter json, string type, bool isEnum, YamlNode value, bool redact)
    {
        if (redact)
        {
            WriteRaw(json, value, redact: true);
            return;
        }

        if (isEnum)
        {
            if (value is YamlScalarNode { Value: { } text } scalar && !YamlScalars.TryParseInteger(scalar, out _))
            {
                json.WriteStringValue(text.ToUpperInvariant());
            }
            else
            {
                WriteRaw(json, value, redact: false);
            }

            return;
        }

        var scalarValue = value as YamlScalarNode;
        switch (type)
        {
            case "google.protobuf.Any":
                WriteAny(json, value);
                return;
            case "google.protobuf.Duration":
                WriteDuration(json, value);
                return;
            case "google.protobuf.Struct" or "google.protobuf.Value" or "google.protobuf.ListValue":
                WriteRaw(json, value, redact: false);
                return;
            case "google.protobuf.BoolValue":
                WriteValue(json, "bool", false, Unwrap(value), false);
                return;
            case "google.protobuf.UInt32Value" or "google.protobuf.Int32Value":
                WriteValue(json, "int32", false, Unwrap(value), false);
                return;
            case "google.protobuf.UInt64Value" or "google.protobuf.Int64Value":
                WriteValue(json, "int64", false, Unwrap(value), false);
                return;
            case "google.protobuf.DoubleValue" or "google.protobuf.FloatValue":
                WriteValue(json, "double", false, Unwrap(value), false);
                return;
            case "google.protobuf.StringValue" or "google.protobuf.BytesValue":
                WriteValue(json, "string", false, Unwrap(value), false);
                return;
            case "bool" when scalarValue is not null && YamlScalars.TryParseBool(scalarValue, out var flag):
                json.WriteBooleanValue(flag);
                return;
            case "int32" or "uint32" or "sint32" or "fixed32" or "sfixed32"
                when scalarValue is not null && YamlScalars.TryParseInteger(scalarValue, out var small):
                json.WriteNumberValue(small);
                return;
            case "int64" or "uint64" or "sint64" or "fixed64" or "sfixed64"
                when scalarValue is not null && YamlScalars.TryParseInteger(scalarValue, out var large):
                json.WriteStringValue(large.ToString(CultureInfo.InvariantCulture));
                return;
            case "double" or "float"
                when scalarValue is { Value: { } number } &&
                     double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var real):
                json.WriteNumberValue(real);
                return;
            case "string" or "bytes" when scalarValue is { Value: { } text }:
                json.WriteStringValue(text);
                return;
        }

        if (EnvoyFieldCatalog.Knows(type) && value is YamlMappingNode)
        {
            WriteMessage(json, value, type);
            return;
        }

        WriteRaw(json, value, redact: false);
    }

    private static YamlNode Unwrap(YamlNode value) => Child(value, "value") is { } inner && value is YamlMappingNode ? inner : value;

    private static void WriteAny(Utf8JsonWriter json, YamlNode value)
    {
        if (Child(value, "@type") is not YamlScalarNode { Value: { } typeUrl } || value is not YamlMappingNode map)
        {
            WriteRaw(json, value, redact: false);
            return;
        }

        var typeName = typeUrl[(typeUrl.LastIndexOf('/') + 1)..];
        json.WriteStartObject();
        json.WriteString("@type", typeUrl.Contains('/', StringComparison.Ordinal) ? typeUrl : TypePrefix + typeUrl);
        var rest = new YamlMappingNode();
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: "@type" })
            {
                rest.Add(k, v);
            }
        }

        WriteFields(json, rest, typeName);
        json.WriteEndObject();
    }

    private static void WriteDuration(Utf8JsonWriter json, YamlNode value)
    {
        TimeSpan? parsed = null;
        if (value is YamlScalarNode { Value: { } text } && EnvoyDuration.TryParse(text, out var fromText))
        {
            parsed = fromText;
        }
        else if (value is YamlMappingNode)
        {
            var seconds = Child(value, "seconds") is YamlScalarNode s && YamlScalars.TryParseInteger(s, out var sec) ? sec : 0;
            var nanos = Child(value, "nanos") is YamlScalarNode n && YamlScalars.TryParseInteger(n, out var ns) ? ns : 0;
            parsed = TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
        }

        if (parsed is { } duration)
        {
            json.WriteStringValue(FormatDuration(duration));
        }
        else
        {
            WriteRaw(json, value, redact: false);
        }
    }

    /// <summary>protobuf's JSON form of a Duration: whole seconds, or 3, 6 or 9 decimals, then 's'.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        var seconds = value.Ticks / TimeSpan.TicksPerSecond;
        var fraction = value.Ticks % TimeSpan.TicksPerSecond;
        if (fraction == 0)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        var nanos = fraction * 100;
        var digits = nanos % 1_000_000 == 0 ? (nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture)
            : nanos % 1_000 == 0 ? (nanos / 1_000).ToString("D6", CultureInfo.InvariantCulture)
            : nanos.ToString("D9", CultureInfo.InvariantCulture);
        return seconds.ToString(CultureInfo.InvariantCulture) + "." + digits + "s";
    }

    /// <summary>
    /// A node as Envoy's yaml-cpp to Struct conversion types it: plain booleans and integers (in int32
    /// range; larger ones as strings) typed, everything else a string; <paramref name="redact"/> replaces
    /// every string leaf.
    /// </summary>
    private static void WriteRaw(Utf8JsonWriter json, YamlNode node, bool redact)
    {
        switch (node)
        {
            case YamlMappingNode map:
                json.WriteStartObject();
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode { Value: { } name } key &&
                        key.Tag is not { IsEmpty: false, IsNonSpecific: false, Value: "!ignore" })
                    {
                        json.WritePropertyName(name);
                        WriteRaw(json, v, redact || SensitiveNames.Contains(name));
                    }
                }

                json.WriteEndObject();
                return;
            case YamlSequenceNode list:
                json.WriteStartArray();
                foreach (var item in list.Children)
                {
                    WriteRaw(json, item, redact);
                }

                json.WriteEndArray();
                return;
            case YamlScalarNode scalar when IsNull(scalar):
                json.WriteNullValue();
                return;
            case YamlScalarNode scalar when redact:
                _ = scalar;
                json.WriteStringValue(Redacted);
                return;
            case YamlScalarNode scalar when YamlScalars.IsPlain(scalar) && YamlScalars.TryParseBool(scalar, out var flag):
                json.WriteBooleanValue(flag);
                return;
            case YamlScalarNode scalar when YamlScalars.IsPlain(scalar) && YamlScalars.TryParseInteger(scalar, out var number):
                if (number is >= int.MinValue and <= int.MaxValue)
                {
                    json.WriteNumberValue(number);
                }
                else
                {
                    json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                }

                return;
            case YamlScalarNode scalar:
                json.WriteStringValue(scalar.Value ?? "");
                return;
            default:
                json.WriteNullValue();
                return;
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };
}
