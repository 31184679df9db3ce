using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Gateway.AccessLog;

/// <summary>
/// JSON of the untyped values access logs print (dynamic metadata, the TCP log's fields): scalars,
/// dictionaries, lists, JsonElement/JsonNode. Written by hand rather than by JsonSerializer's reflection,
/// which Native AOT and trimming cannot keep; anything else is its invariant string.
/// </summary>
internal static class UntypedJson
{
    public static string Serialize(object? value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumberValue(u);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case JsonElement element:
                element.WriteTo(json);
                break;
            case System.Text.Json.Nodes.JsonNode node:
                node.WriteTo(json);
                break;
            case IDictionary dictionary:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    json.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                json.WriteStartObject();
                foreach (var (key, item) in pairs)
                {
                    json.WritePropertyName(key);
                    Write(json, item);
                }

                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
