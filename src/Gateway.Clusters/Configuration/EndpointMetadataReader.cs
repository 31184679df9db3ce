using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads an lb_endpoint's <c>metadata</c> (envoy.config.core.v3.Metadata): <c>filter_metadata</c>, a map of
/// namespace to google.protobuf.Struct, becomes nested maps, lists and scalars for %UPSTREAM_METADATA%;
/// <c>typed_filter_metadata</c> is accepted (nothing here reads typed metadata).
/// </summary>
internal static class EndpointMetadataReader
{
    public static IReadOnlyDictionary<string, object?>? Read(MessageReader lbEndpoint, string field = "metadata")
    {
        if (lbEndpoint.Take(field) is not YamlMappingNode metadata)
        {
            return null;
        }

        Dictionary<string, object?>? result = null;
        foreach (var (keyNode, value) in metadata.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key == "typed_filter_metadata")
            {
                continue;
            }

            if (key != "filter_metadata")
            {
                lbEndpoint.Context.Error(lbEndpoint.Join(field), YamlMark.Of(keyNode),
                    $"Message type \"envoy.config.core.v3.Metadata\" has no field named \"{key}\"; use filter_metadata");
                continue;
            }

            if (value is not YamlMappingNode namespaces)
            {
                continue;
            }

            result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (ns, fields) in namespaces.Children)
            {
                result[(ns as YamlScalarNode)?.Value ?? ""] = ToValue(fields);
            }
        }

        return result;
    }

    /// <summary>A Struct/Value from YAML: plain true/false are bools, plain numbers doubles, the rest strings.</summary>
    private static object? ToValue(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(p => (p.Key as YamlScalarNode)?.Value ?? "", p => ToValue(p.Value), StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.Select(ToValue).ToList(),
        YamlScalarNode scalar when YamlScalars.IsPlain(scalar) && scalar.Value is "true" or "false" => scalar.Value == "true",
        YamlScalarNode scalar when YamlScalars.IsPlain(scalar) && scalar.Value is "null" or "~" or "" => null,
        YamlScalarNode scalar when YamlScalars.IsPlain(scalar) && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}
