using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads HCM access_log entries (stdout, stderr, file) and their formats.</summary>
internal static class AccessLogReader
{
    public static IReadOnlyList<AccessLogConfig> ReadAll(IReadOnlyList<MessageReader> logs)
    {
        var result = new List<AccessLogConfig>(logs.Count);
        foreach (var log in logs)
        {
            var name = log.String("name") ?? "";
            var filter = log.Message("filter", AccessLogFilterReader.MessageType) is { } filterReader ? AccessLogFilterReader.Read(filterReader) : null;

            var typed = log.Any("typed_config");
            log.Finish();
            if (typed is null)
            {
                log.Context.Error(log.Join("typed_config"), log.Mark, $"access log '{name}' needs a typed_config");
                continue;
            }

            var reader = typed.Reader;
            AccessLogSink sink;
            string? path = null;
            switch (typed.TypeName)
            {
                case "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog":
                    sink = AccessLogSink.Stdout;
                    break;
                case "envoy.extensions.access_loggers.stream.v3.StderrAccessLog":
                    sink = AccessLogSink.Stderr;
                    break;
                case "envoy.extensions.access_loggers.file.v3.FileAccessLog":
                    sink = AccessLogSink.File;
                    path = reader.RequiredString("path");
                    break;
                default:
                    log.Context.Unsupported(log.Path, log.Mark, $"access logger {typed.TypeName} is not supported; use stdout, stderr or file");
                    continue;
            }

            string? text = null;
            List<KeyValuePair<string, string>>? json = null;
            // FileAccessLog also has the older top-level format / json_format fields.
            if (reader.String("format") is { } legacy)
            {
                text = legacy;
            }

            if (reader.Message("log_format", "envoy.config.core.v3.SubstitutionFormatString") is { } format)
            {
                text = format.String("text_format") ?? BootstrapLoader.ReadDataSource(format.Message("text_format_source", "envoy.config.core.v3.DataSource")) ?? text;
                if (format.Take("json_format") is YamlDotNet.RepresentationModel.YamlMappingNode map)
                {
                    json = new List<KeyValuePair<string, string>>();
                    foreach (var (key, value) in map.Children)
                    {
                        json.Add(new(((YamlDotNet.RepresentationModel.YamlScalarNode)key).Value ?? "", (value as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? ""));
                    }
                }

                format.Accept("omit_empty_values");
                format.Accept("content_type");
                if (format.Has("formatters"))
                {
                    format.Unsupported("formatters");
                }

                format.Finish();
            }

            reader.Finish();
            result.Add(new AccessLogConfig(sink, path, text, json) { Filter = filter });
        }

        return result;
    }
}
