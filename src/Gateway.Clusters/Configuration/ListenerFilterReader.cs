using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads listener_filters: tls_inspector, http_inspector, proxy_protocol, original_dst.</summary>
internal static class ListenerFilterReader
{
    public static IReadOnlyList<ListenerFilterConfig> ReadAll(IReadOnlyList<MessageReader> filters)
    {
        var result = new List<ListenerFilterConfig>(filters.Count);
        foreach (var filter in filters)
        {
            var name = filter.String("name") ?? "";
            var typed = filter.Any("typed_config");
            if (filter.Has("filter_disabled"))
            {
                filter.Unsupported("filter_disabled", "remove the filter or the matcher");
            }

            filter.Finish();
            var kind = (typed?.TypeName, name) switch
            {
                ("envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", _) or (null, "envoy.filters.listener.tls_inspector") => ListenerFilterKind.TlsInspector,
                ("envoy.extensions.filters.listener.http_inspector.v3.HttpInspector", _) or (null, "envoy.filters.listener.http_inspector") => ListenerFilterKind.HttpInspector,
                ("envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol", _) or (null, "envoy.filters.listener.proxy_protocol") => ListenerFilterKind.ProxyProtocol,
                ("envoy.extensions.filters.listener.original_dst.v3.OriginalDst", _) or (null, "envoy.filters.listener.original_dst") => ListenerFilterKind.OriginalDst,
                _ => (ListenerFilterKind?)null,
            };
            if (kind is null)
            {
                filter.Context.Unsupported(filter.Path, filter.Mark,
                    $"listener filter '{name}' ({typed?.TypeName ?? "no typed_config"}) is not supported; supported: tls_inspector, http_inspector, proxy_protocol, original_dst");
                typed?.Reader.Finish();
                continue;
            }

            var allowWithout = false;
            if (typed is not null)
            {
                var reader = typed.Reader;
                if (kind == ListenerFilterKind.ProxyProtocol)
                {
                    allowWithout = reader.Bool("allow_requests_without_proxy_protocol");
                    if (reader.Has("rules"))
                    {
                        reader.Unsupported("rules", "TLVs are skipped; %DOWNSTREAM_REMOTE_ADDRESS% comes from the header");
                    }

                    reader.Accept("stat_prefix");
                }
                else if (kind == ListenerFilterKind.TlsInspector)
                {
                    reader.Accept("enable_ja3_fingerprinting");
                    reader.Accept("initial_read_buffer_size");
                }

                reader.Finish();
            }

            result.Add(new ListenerFilterConfig(kind.Value, name, allowWithout));
        }

        return result;
    }
}
