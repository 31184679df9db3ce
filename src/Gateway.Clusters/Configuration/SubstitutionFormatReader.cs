using Gateway.Clusters.Model;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.config.core.v3.SubstitutionFormatString (log_format, local reply body_format).</summary>
internal static class SubstitutionFormatReader
{
    public const string MessageType = "envoy.config.core.v3.SubstitutionFormatString";

    public static SubstitutionFormatConfig Read(MessageReader format)
    {
        var text = format.String("text_format") ?? BootstrapLoader.ReadDataSource(format.Message("text_format_source", "envoy.config.core.v3.DataSource"));
        List<KeyValuePair<string, string>>? json = null;
        if (format.Take("json_format") is YamlMappingNode map)
        {
            json = new List<KeyValuePair<string, string>>();
            foreach (var (key, value) in map.Children)
            {
                json.Add(new(((YamlScalarNode)key).Value ?? "", (value as YamlScalarNode)?.Value ?? ""));
            }
        }

        var omitEmpty = format.Bool("omit_empty_values");
        var contentType = format.String("content_type");
        if (format.Has("formatters"))
        {
            format.Unsupported("formatters");
        }

        format.Finish();
        return new SubstitutionFormatConfig(text, json, contentType, omitEmpty);
    }
}
