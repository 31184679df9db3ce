using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.filters.network.http_connection_manager.</summary>
internal static class HttpConnectionManagerReader
{
    private const string RouterType = "envoy.extensions.filters.http.router.v3.Router";

    public static HttpConnectionManagerConfig? Read(MessageReader hcm, IReadOnlySet<string> clusterNames, BootstrapLoadOptions options)
    {
        var statPrefix = hcm.RequiredString("stat_prefix");
        var codec = hcm.Enum("codec_type", CodecType.Auto, "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType", "HTTP3");
        if (hcm.Has("scoped_routes"))
        {
            hcm.Unsupported("scoped_routes", "inline the routes under route_config");
        }

        var routeReader = hcm.Message("route_config", "envoy.config.route.v3.RouteConfiguration");
        RouteTableConfig? routes = null;
        if (routeReader is not null)
        {
            routes = RouteConfigReader.Read(routeReader, clusterNames, options.FilterParsers);
        }
        else if (hcm.Message("rds", "envoy.extensions.filters.network.http_connection_manager.v3.Rds") is { } rds)
        {
            routes = ReadRds(rds, clusterNames, options);
        }
        else if (!hcm.Has("rds"))
        {
            hcm.Context.Error(hcm.Join("route_config"), hcm.Mark, "missing route_config; add route_config.virtual_hosts");
        }

        var filters = ReadHttpFilters(hcm, options, "http." + statPrefix + ".");
        var serverName = hcm.String("server_name") ?? "envoy";
        var serverTransform = hcm.Enum("server_header_transformation", ServerHeaderTransformation.Overwrite,
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation");
        var localReply = hcm.Message("local_reply_config", "envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig") is { } localReplyReader
            ? LocalReplyConfigReader.Read(localReplyReader)
            : null;
        var accessLogs = AccessLogReader.ReadAll(hcm.Messages("access_log", "envoy.config.accesslog.v3.AccessLog"));
        var stripMatching = hcm.Bool("strip_matching_host_port");
        var stripAny = hcm.Bool("strip_any_host_port");
        var useRemote = hcm.Bool("use_remote_address");
        var generateRequestId = hcm.Bool("generate_request_id", true);
        var alwaysSetRequestId = hcm.Bool("always_set_request_id_in_response");
        var requestTimeout = DownstreamProtocolReader.ReadRequestTimeout(hcm);
        var protocol = DownstreamProtocolReader.ReadProtocol(hcm);
        var edge = DownstreamProtocolReader.ReadEdge(hcm);
        var tracing = TracingConfigReader.Read(hcm, clusterNames);
        var pathNormalization = ReadPathNormalization(hcm);
        var skipXffAppend = hcm.Bool("skip_xff_append");
        var addUserAgent = hcm.Bool("add_user_agent");
        var stripTrailingDot = hcm.Bool("strip_trailing_host_dot");
        var via = hcm.String("via") is { Length: > 0 } v ? v : null;
        var maxHeadersKb = (int)(hcm.Integer("max_request_headers_kb", 1, 8192) ?? 60);
        var upgrades = new List<string>();
        foreach (var upgrade in hcm.Messages("upgrade_configs", "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig"))
        {
            var type = upgrade.RequiredString("upgrade_type");
            if (string.Equals(type, "CONNECT", StringComparison.OrdinalIgnoreCase))
            {
                upgrade.Context.Unsupported(upgrade.Join("upgrade_type"), upgrade.MarkOf("upgrade_type"),
                    "upgrade_type CONNECT (HTTP CONNECT tunneling) is not supported; proxy raw TCP with envoy.filters.network.tcp_proxy instead");
            }

            if (upgrade.Bool("enabled", true))
            {
                upgrades.Add(type);
            }

            upgrade.Finish();
        }

        // scheme_header_transformation only rewrites :scheme, which an HTTP/1.1 upstream never sees;
        // Higress's local-development config sets it, so it is read and validated, not refused.
        if (hcm.Message("scheme_header_transformation", "envoy.config.core.v3.SchemeHeaderTransformation") is { } scheme)
        {
            scheme.String("scheme_to_overwrite");
            scheme.Bool("match_upstream");
            scheme.Finish();
        }

        hcm.Finish();
        if (routes is null || statPrefix.Length == 0)
        {
            return null;
        }

        return new HttpConnectionManagerConfig(statPrefix, codec, routes, filters, serverName, serverTransform, accessLogs,
            stripMatching, stripAny, useRemote, generateRequestId, alwaysSetRequestId, upgrades, requestTimeout, maxHeadersKb)
        {
            LocalReply = localReply,
            Protocol = protocol,
            Edge = edge,
            Tracing = tracing,
            PathNormalization = pathNormalization,
            SkipXffAppend = skipXffAppend,
            AddUserAgent = addUserAgent,
            StripTrailingHostDot = stripTrailingDot,
            Via = via,
        };
    }

    private static PathNormalizationConfig ReadPathNormalization(MessageReader hcm)
    {
        // Unset, normalize_path and the escaped-slash action take Envoy's runtime defaults: off and KEEP_UNCHANGED.
        var normalize = hcm.Bool("normalize_path");
        var merge = hcm.Bool("merge_slashes");
        var escaped = hcm.Enum("path_with_escaped_slashes_action", EscapedSlashesAction.KeepUnchanged,
            "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction");
        if (escaped is EscapedSlashesAction.ImplementationSpecificDefault)
        {
            escaped = EscapedSlashesAction.KeepUnchanged;
        }

        var config = new PathNormalizationConfig(normalize, merge, escaped);
        return config.IsNone ? PathNormalizationConfig.None : config;
    }

    /// <summary>rds from a file: the RouteConfiguration named route_config_name in the config source's DiscoveryResponse.</summary>
    private static RouteTableConfig? ReadRds(MessageReader rds, IReadOnlySet<string> clusterNames, BootstrapLoadOptions options)
    {
        var source = DynamicResourcesReader.ReadSource(rds, "config_source");
        var routeName = rds.RequiredString("route_config_name");
        rds.Finish();
        if (source is null || DiscoveryFile.Read(source, "envoy.config.route.v3.RouteConfiguration", rds.Context, rds.Path) is not { } file)
        {
            return null;
        }

        RouteTableConfig? routes = null;
        var match = file.Resources.FirstOrDefault(r => r.String("name") == routeName);
        if (match is null)
        {
            file.Context.Error("resources", YamlMark.None,
                $"no RouteConfiguration named '{routeName}' in this file; add one with name: {routeName}, or fix the HCM's rds.route_config_name");
        }
        else
        {
            routes = RouteConfigReader.Read(match, clusterNames, options.FilterParsers);
        }

        rds.Context.DynamicFiles.Add(file.ToModel("route_config"));
        rds.Context.Include(file.Context);
        return routes;
    }

    private static IReadOnlyList<HttpFilterConfig> ReadHttpFilters(MessageReader hcm, BootstrapLoadOptions options, string filterStatPrefix)
    {
        var readers = hcm.Messages("http_filters", "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter");
        var result = new List<HttpFilterConfig>(readers.Count);
        var sawRouter = false;
        foreach (var filter in readers)
        {
            var name = filter.RequiredString("name");
            var optional = filter.Bool("is_optional");
            var disabled = filter.Bool("disabled");
            var typed = filter.Any("typed_config");
            if (filter.Has("config_discovery"))
            {
                filter.Unsupported("config_discovery", "give the filter an inline typed_config");
            }

            filter.Finish();
            if (sawRouter)
            {
                filter.Context.Error(filter.Path, filter.Mark,
                    $"Error: terminal filter named envoy.filters.http.router of type {RouterType} must be the last filter in a http filter chain; move '{name}' before it");
                continue;
            }

            if (typed is null)
            {
                // Envoy still accepts the well-known router by name alone.
                if (name == "envoy.filters.http.router" && !disabled)
                {
                    sawRouter = true;
                    result.Add(new HttpFilterConfig(name, RouterType, null, filter.Path));
                    continue;
                }

                filter.Context.Error(filter.Join("typed_config"), filter.Mark, $"http filter '{name}' needs a typed_config with \"@type\"");
                continue;
            }

            var parser = options.FilterParsers.FirstOrDefault(p => p.CanParse(typed.TypeName));
            if (parser is null)
            {
                if (optional)
                {
                    filter.Context.Warning(filter.Path, filter.Mark, $"optional http filter '{name}' ({typed.TypeName}) is not supported and is skipped, as Envoy skips an unknown optional filter");
                    continue;
                }

                filter.Context.Unsupported(filter.Path, filter.Mark, $"http filter '{name}' ({typed.TypeName}) is not supported by this gateway");
                continue;
            }

            var settings = parser.Parse(name, typed);
            typed.Reader.Finish();
            if (typed.TypeName == RouterType && !disabled)
            {
                sawRouter = true;
            }

            // A disabled filter is still built: a route's typed_per_filter_config may enable it.
            result.Add(new HttpFilterConfig(name, typed.TypeName, settings, filter.Path) { Disabled = disabled, StatPrefix = filterStatPrefix });
        }

        if (!sawRouter && readers.Count > 0)
        {
            hcm.Context.Error(hcm.Join("http_filters"), hcm.MarkOf("http_filters"),
                "the http filter chain has no terminal filter; add envoy.filters.http.router last");
        }
        else if (readers.Count == 0)
        {
            // Envoy gives an HCM without http_filters the router alone.
            result.Add(new HttpFilterConfig("envoy.filters.http.router", RouterType, null, hcm.Join("http_filters")));
        }

        return result;
    }
}
