using System.Globalization;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Gateway.Logging;

/// <summary>
/// <c>--log-json</c>: one JSON object per line with the time, Envoy's level word, thread, component,
/// the rendered message (what the text form prints), the template and each property, so a log
/// pipeline can search the text and still group lines by template.
/// </summary>
public sealed class JsonLogFormatter : ITextFormatter
{
    // Quotes and non-ASCII as they are: the lines are read by people and log pipelines, not embedded in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("@t", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("@l", Scalar(logEvent, "EnvoyLevel"));
            json.WriteString("@m", MessageRenderer.Render(logEvent));
            json.WriteString("@mt", logEvent.MessageTemplate.Text);
            if (logEvent.Exception is { } exception)
            {
                json.WriteString("@x", exception.ToString());
            }

            foreach (var (name, value) in logEvent.Properties)
            {
                if (name is "EnvoyLevel")
                {
                    continue;
                }

                json.WritePropertyName(name);
                WriteValue(json, value);
            }

            json.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static string Scalar(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? Convert.ToString(scalar, CultureInfo.InvariantCulture) ?? ""
            : "";

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                json.WriteNullValue();
                break;
            case ScalarValue { Value: string text }:
                json.WriteStringValue(text);
                break;
            case ScalarValue { Value: bool flag }:
                json.WriteBooleanValue(flag);
                break;
            case ScalarValue { Value: int or long or short or byte or uint or ulong or ushort or sbyte } integer:
                json.WriteRawValue(Convert.ToString(integer.Value, CultureInfo.InvariantCulture)!);
                break;
            case ScalarValue { Value: double or float or decimal } number:
                json.WriteStringValue(Convert.ToString(number.Value, CultureInfo.InvariantCulture));
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    WriteValue(json, element);
                }

                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    WriteValue(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "");
                    WriteValue(json, element);
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(Convert.ToString((value as ScalarValue)?.Value, CultureInfo.InvariantCulture) ?? value.ToString());
                break;
        }
    }
}
