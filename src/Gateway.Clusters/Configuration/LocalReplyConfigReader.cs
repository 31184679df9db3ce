using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads the HCM's local_reply_config (envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig).</summary>
internal static class LocalReplyConfigReader
{
    public static LocalReplyConfig Read(MessageReader config)
    {
        var mappers = new List<LocalReplyMapperConfig>();
        foreach (var mapper in config.Messages("mappers", "envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper"))
        {
            var filterReader = mapper.Message("filter", AccessLogFilterReader.MessageType);
            var filter = filterReader is null ? null : AccessLogFilterReader.Read(filterReader);
            if (filterReader is null)
            {
                mapper.Context.Error(mapper.Join("filter"), mapper.Mark, "a local reply mapper needs a filter (e.g. status_code_filter)");
            }

            var status = (int?)mapper.Integer("status_code", 200, 599);
            var body = BootstrapLoader.ReadDataSource(mapper.Message("body", "envoy.config.core.v3.DataSource"));
            var formatOverride = mapper.Message("body_format_override", SubstitutionFormatReader.MessageType) is { } format
                ? SubstitutionFormatReader.Read(format)
                : null;
            var headers = RouteConfigReader.ReadHeaderValues(mapper.Messages("headers_to_add", "envoy.config.core.v3.HeaderValueOption"));
            mapper.Finish();
            if (filter is not null)
            {
                mappers.Add(new LocalReplyMapperConfig(filter, status, body, formatOverride, headers));
            }
        }

        var bodyFormat = config.Message("body_format", SubstitutionFormatReader.MessageType) is { } bodyFormatReader
            ? SubstitutionFormatReader.Read(bodyFormatReader)
            : null;
        config.Finish();
        return new LocalReplyConfig(mappers, bodyFormat);
    }
}
