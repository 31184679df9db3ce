using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DemoUpstream;

/// <summary>Writes httpbin-style JSON: an indented object, trailing newline, exact Content-Length.</summary>
internal static class JsonResponse
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // httpbin does not HTML-escape '<', '+', '&' etc.; keep echoed values readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> writeProperties, int statusCode = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);

        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>Writes a string-to-string(s) map the way httpbin does: one value as a string, several as an array.</summary>
    public static void WriteMultiMap(Utf8JsonWriter writer, string propertyName, IEnumerable<KeyValuePair<string, string[]>> entries)
    {
        writer.WriteStartObject(propertyName);
        foreach (var (key, values) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (values.Length == 1)
            {
                writer.WriteString(key, values[0]);
                continue;
            }

            writer.WriteStartArray(key);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
