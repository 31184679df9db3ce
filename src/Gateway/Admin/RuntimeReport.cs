using System.Text.Json;
using Gateway.Clusters.Runtime;

namespace Gateway.Admin;

/// <summary>GET /runtime as Envoy writes it: the layer names in order, and per key its final value and each layer's value.</summary>
internal static class RuntimeReport
{
    public static string Json(LayeredRuntime runtime)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("entries");
            foreach (var (key, final, layers) in runtime.Entries())
            {
                json.WriteStartObject(key);
                json.WriteString("final_value", final);
                json.WriteStartArray("layer_values");
                foreach (var value in layers)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (var layer in runtime.Config.Layers)
            {
                json.WriteStringValue(layer.Name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
