using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DemoUpstream;

/// <summary>
/// The request body as httpbin reports it: raw <c>data</c>, parsed <c>form</c>/<c>files</c>
/// for form content types, and <c>json</c> when the body is valid JSON.
/// </summary>
internal sealed class EchoBody : IDisposable
{
    /// <summary>Bodies are buffered in memory; the cap keeps a misbehaving client from exhausting it.</summary>
    public const int MaxBodyBytes = 10 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private EchoBody(string data, Dictionary<string, string[]> form, Dictionary<string, string[]> files, JsonDocument? json)
    {
        Data = data;
        Form = form;
        Files = files;
        Json = json;
    }

    public string Data { get; }

    public Dictionary<string, string[]> Form { get; }

    public Dictionary<string, string[]> Files { get; }

    public JsonDocument? Json { get; }

    public static async Task<EchoBody> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var fields = form.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.Ordinal);

            var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var file in form.Files)
            {
                if (file.Length > MaxBodyBytes)
                {
                    throw TooLarge();
                }

                using var content = new MemoryStream((int)file.Length);
                await file.CopyToAsync(content, ct);
                if (!files.TryGetValue(file.Name, out var list))
                {
                    files[file.Name] = list = [];
                }

                list.Add(DecodeData(content.ToArray()));
            }

            return new EchoBody(
                string.Empty,
                fields,
                files.ToDictionary(f => f.Key, f => f.Value.ToArray(), StringComparer.Ordinal),
                json: null);
        }

        var bytes = await ReadAllAsync(request, ct);
        return new EchoBody(DecodeData(bytes), [], [], TryParseJson(bytes));
    }

    /// <summary>Reads the whole body, refusing anything above <see cref="MaxBodyBytes"/> with 413.</summary>
    public static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteString("data", Data);
        JsonResponse.WriteMultiMap(writer, "files", Files);
        JsonResponse.WriteMultiMap(writer, "form", Form);
    }

    public void WriteJsonTo(Utf8JsonWriter writer)
    {
        writer.WritePropertyName("json");
        if (Json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            Json.RootElement.WriteTo(writer);
        }
    }

    public void Dispose() => Json?.Dispose();

    /// <summary>Text as-is; binary the way httpbin does it, as a base64 data URL.</summary>
    private static string DecodeData(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "data:application/octet-stream;base64," + Convert.ToBase64String(bytes);
        }
    }

    /// <summary>httpbin parses the body as JSON regardless of content type; anything else is null.</summary>
    private static JsonDocument? TryParseJson(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new("Request body too large.", StatusCodes.Status413PayloadTooLarge);
}
