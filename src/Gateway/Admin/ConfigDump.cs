using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Clusters.Model;

namespace Gateway.Admin;

/// <summary>
/// GET /config_dump: the loaded envoy.yaml as Envoy's admin config dump (BootstrapConfigDump,
/// ClustersConfigDump, ListenersConfigDump, RoutesConfigDump) with Envoy's field names. It is
/// rebuilt from the validated model, so defaults Envoy would fill in appear where the model has them.
/// </summary>
public static class ConfigDump
{
    private const string TypePrefix = "type.googleapis.com/";

    public static string Json(BootstrapConfig config, DateTimeOffset loadedAt)
    {
        var lastUpdated = loadedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("configs");

            json.WriteStartObject();
            json.WriteString("@type", TypePrefix + "envoy.admin.v3.BootstrapConfigDump");
            json.WriteStartObject("bootstrap");
            json.WriteStartObject("node");
            json.WriteString("user_agent_name", "envoy");
            json.WriteEndObject();
            json.WriteStartObject("static_resources");
            json.WriteStartArray("listeners");
            foreach (var listener in config.Listeners)
            {
                WriteListener(json, listener);
            }

            json.WriteEndArray();
            json.WriteStartArray("clusters");
            foreach (var cluster in config.Clusters)
            {
                WriteCluster(json, cluster);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            if (config.Admin is { } admin)
            {
                json.WriteStartObject("admin");
                WriteAddress(json, "address", admin.Address);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteString("last_updated", lastUpdated);
            json.WriteEndObject();

            WriteStaticDump(json, "ClustersConfigDump", "static_clusters", "cluster", config.Clusters, WriteCluster, lastUpdated);
            WriteStaticDump(json, "ListenersConfigDump", "static_listeners", "listener", config.Listeners, WriteListener, lastUpdated);
            WriteStaticDump(
                json,
                "RoutesConfigDump",
                "static_route_configs",
                "route_config",
                config.Listeners.SelectMany(l => l.FilterChains.Append(l.DefaultFilterChain).Select(c => c?.Http).Append(l.Http)).OfType<HttpConnectionManagerConfig>().Distinct().ToList(),
                (writer, http) => WriteRouteConfiguration(writer, http.RouteConfig, withType: true),
                lastUpdated);

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// One of Envoy's static dumps: <c>{"@type": envoy.admin.v3.<paramref name="dumpType"/>,
    /// "<paramref name="listName"/>": [{"<paramref name="itemName"/>": item, "last_updated": ...}]}</c>.
    /// </summary>
    private static void WriteStaticDump<T>(
        Utf8JsonWriter json,
        string dumpType,
        string listName,
        string itemName,
        IEnumerable<T> items,
        Action<Utf8JsonWriter, T> writeItem,
        string lastUpdated)
    {
        json.WriteStartObject();
        json.WriteString("@type", TypePrefix + "envoy.admin.v3." + dumpType);
        json.WriteStartArray(listName);
        foreach (var item in items)
        {
            json.WriteStartObject();
            json.WritePropertyName(itemName);
            writeItem(json, item);
            json.WriteString("last_updated", lastUpdated);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteListener(Utf8JsonWriter json, ListenerConfig listener)
    {
        json.WriteStartObject();
        json.WriteString("@type", TypePrefix + "envoy.config.listener.v3.Listener");
        json.WriteString("name", listener.Name);
        WriteAddress(json, "address", listener.Address);
        if (listener.ListenerFilters.Count > 0)
        {
            json.WriteStartArray("listener_filters");
            foreach (var filter in listener.ListenerFilters)
            {
                json.WriteStartObject();
                json.WriteString("name", filter.Name);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("filter_chains");
        var chains = listener.FilterChains.Count > 0
            ? listener.FilterChains
            : [new FilterChainConfig(null, 0, FilterChainMatchConfig.Any, listener.Tls, NetworkFilterKind.HttpConnectionManager, listener.Http, null, null, listener.YamlPath)];
        foreach (var chain in chains)
        {
            WriteFilterChain(json, chain);
        }

        json.WriteEndArray();
        if (listener.DefaultFilterChain is { } defaultChain)
        {
            json.WritePropertyName("default_filter_chain");
            WriteFilterChain(json, defaultChain);
        }

        json.WriteEndObject();
    }

    private static void WriteFilterChain(Utf8JsonWriter json, FilterChainConfig chain)
    {
        json.WriteStartObject();
        if (chain.Name is not null)
        {
            json.WriteString("name", chain.Name);
        }

        if (chain.Match.ServerNames.Count > 0 || chain.Match.DestinationPort is not null || chain.Match.TransportProtocol.Length > 0)
        {
            json.WriteStartObject("filter_chain_match");
            if (chain.Match.DestinationPort is { } port)
            {
                json.WriteNumber("destination_port", port);
            }

            if (chain.Match.ServerNames.Count > 0)
            {
                json.WriteStartArray("server_names");
                foreach (var name in chain.Match.ServerNames)
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
            }

            if (chain.Match.TransportProtocol.Length > 0)
            {
                json.WriteString("transport_protocol", chain.Match.TransportProtocol);
            }

            json.WriteEndObject();
        }

        json.WriteStartArray("filters");
        json.WriteStartObject();
        switch (chain.Kind)
        {
            case NetworkFilterKind.HttpConnectionManager:
                WriteConnectionManager(json, chain.Http!);
                break;
            case NetworkFilterKind.TcpProxy:
                json.WriteString("name", "envoy.filters.network.tcp_proxy");
                json.WriteStartObject("typed_config");
                json.WriteString("@type", TypePrefix + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
                json.WriteString("stat_prefix", chain.TcpProxy!.StatPrefix);
                if (chain.TcpProxy.Cluster is { } cluster)
                {
                    json.WriteString("cluster", cluster);
                }

                json.WriteEndObject();
                break;
            case NetworkFilterKind.Echo:
                json.WriteString("name", "envoy.filters.network.echo");
                break;
            case NetworkFilterKind.DirectResponse:
                json.WriteString("name", "envoy.filters.network.direct_response");
                break;
        }

        json.WriteEndObject();
        json.WriteEndArray();
        if (chain.Tls is not null)
        {
            json.WriteStartObject("transport_socket");
            json.WriteString("name", "envoy.transport_sockets.tls");
            json.WriteStartObject("typed_config");
            json.WriteString("@type", TypePrefix + "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteConnectionManager(Utf8JsonWriter json, HttpConnectionManagerConfig http)
    {
        json.WriteString("name", "envoy.filters.network.http_connection_manager");
        json.WriteStartObject("typed_config");
        json.WriteString("@type", TypePrefix + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
        json.WriteString("stat_prefix", http.StatPrefix);
        json.WriteString("codec_type", EnvoyEnum(http.CodecType));
        json.WritePropertyName("route_config");
        WriteRouteConfiguration(json, http.RouteConfig, withType: false);
        json.WriteStartArray("http_filters");
        foreach (var filter in http.HttpFilters)
        {
            json.WriteStartObject();
            json.WriteString("name", filter.Name);
            json.WriteStartObject("typed_config");
            json.WriteString("@type", TypePrefix + filter.TypeName);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (http.AccessLogs.Count > 0)
        {
            json.WriteStartArray("access_log");
            foreach (var log in http.AccessLogs)
            {
                WriteAccessLog(json, log);
            }

            json.WriteEndArray();
        }

        if (http.ServerName != "envoy")
        {
            json.WriteString("server_name", http.ServerName);
        }

        if (http.ServerHeaderTransformation != ServerHeaderTransformation.Overwrite)
        {
            json.WriteString("server_header_transformation", EnvoyEnum(http.ServerHeaderTransformation));
        }

        WriteTrue(json, "use_remote_address", http.UseRemoteAddress);
        WriteTrue(json, "strip_any_host_port", http.StripAnyHostPort);
        WriteTrue(json, "strip_matching_host_port", http.StripMatchingHostPort);
        WriteTrue(json, "always_set_request_id_in_response", http.AlwaysSetRequestIdInResponse);
        if (!http.GenerateRequestId)
        {
            json.WriteBoolean("generate_request_id", false);
        }

        if (http.RequestTimeout is { } requestTimeout)
        {
            json.WriteString("request_timeout", Duration(requestTimeout));
        }

        if (http.UpgradeTypes.Count > 0)
        {
            json.WriteStartArray("upgrade_configs");
            foreach (var upgrade in http.UpgradeTypes)
            {
                json.WriteStartObject();
                json.WriteString("upgrade_type", upgrade);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteAccessLog(Utf8JsonWriter json, AccessLogConfig log)
    {
        json.WriteStartObject();
        var (name, type) = log.Sink switch
        {
            AccessLogSink.Stdout => ("envoy.access_loggers.stdout", "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"),
            AccessLogSink.Stderr => ("envoy.access_loggers.stderr", "envoy.extensions.access_loggers.stream.v3.StderrAccessLog"),
            _ => ("envoy.access_loggers.file", "envoy.extensions.access_loggers.file.v3.FileAccessLog"),
        };
        json.WriteString("name", name);
        json.WriteStartObject("typed_config");
        json.WriteString("@type", TypePrefix + type);
        if (log.Path is not null)
        {
            json.WriteString("path", log.Path);
        }

        if (log.TextFormat is not null || log.JsonFormat is not null)
        {
            json.WriteStartObject("log_format");
            if (log.JsonFormat is { } fields)
            {
                json.WriteStartObject("json_format");
                foreach (var (key, value) in fields)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteString("text_format", log.TextFormat);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteRouteConfiguration(Utf8JsonWriter json, RouteTableConfig routes, bool withType)
    {
        json.WriteStartObject();
        if (withType)
        {
            json.WriteString("@type", TypePrefix + "envoy.config.route.v3.RouteConfiguration");
        }

        json.WriteString("name", routes.Name);
        json.WriteStartArray("virtual_hosts");
        foreach (var host in routes.VirtualHosts)
        {
            json.WriteStartObject();
            json.WriteString("name", host.Name);
            json.WriteStartArray("domains");
            foreach (var domain in host.Domains)
            {
                json.WriteStringValue(domain);
            }

            json.WriteEndArray();
            json.WriteStartArray("routes");
            foreach (var route in host.Routes)
            {
                WriteRoute(json, route);
            }

            json.WriteEndArray();
            WriteHeaderMutation(json, host.Headers);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteHeaderMutation(json, routes.Headers);
        json.WriteEndObject();
    }

    private static void WriteRoute(Utf8JsonWriter json, RouteConfig route)
    {
        json.WriteStartObject();
        if (route.Name is not null)
        {
            json.WriteString("name", route.Name);
        }

        json.WriteStartObject("match");
        var match = route.Match;
        switch (match.Kind)
        {
            case PathMatchKind.Prefix: json.WriteString("prefix", match.Value); break;
            case PathMatchKind.Path: json.WriteString("path", match.Value); break;
            case PathMatchKind.PathSeparatedPrefix: json.WriteString("path_separated_prefix", match.Value); break;
            case PathMatchKind.SafeRegex:
                json.WriteStartObject("safe_regex");
                json.WriteString("regex", match.Value);
                json.WriteEndObject();
                break;
        }

        if (!match.CaseSensitive)
        {
            json.WriteBoolean("case_sensitive", false);
        }

        if (match.Headers.Count > 0)
        {
            json.WriteStartArray("headers");
            foreach (var header in match.Headers)
            {
                json.WriteStartObject();
                json.WriteString("name", header.Name);
                if (header.Matcher is { } matcher)
                {
                    json.WritePropertyName("string_match");
                    WriteStringMatcher(json, matcher);
                }
                else if (header.Range is { } range)
                {
                    json.WriteStartObject("range_match");
                    json.WriteString("start", range.Start.ToString(CultureInfo.InvariantCulture));
                    json.WriteString("end", range.End.ToString(CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteBoolean("present_match", header.Present ?? true);
                }

                WriteTrue(json, "invert_match", header.InvertMatch);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (match.QueryParameters.Count > 0)
        {
            json.WriteStartArray("query_parameters");
            foreach (var query in match.QueryParameters)
            {
                json.WriteStartObject();
                json.WriteString("name", query.Name);
                if (query.Matcher is { } matcher)
                {
                    json.WritePropertyName("string_match");
                    WriteStringMatcher(json, matcher);
                }
                else
                {
                    json.WriteBoolean("present_match", query.PresentMatch);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        if (route.Forward is { } forward)
        {
            WriteRouteAction(json, forward);
        }
        else if (route.DirectResponse is { } direct)
        {
            json.WriteStartObject("direct_response");
            json.WriteNumber("status", direct.Status);
            if (direct.Body is not null)
            {
                json.WriteStartObject("body");
                json.WriteString("inline_string", direct.Body);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }
        else if (route.Redirect is { } redirect)
        {
            json.WriteStartObject("redirect");
            if (redirect.Scheme is not null)
            {
                json.WriteString("scheme_redirect", redirect.Scheme);
            }

            if (redirect.Host is not null)
            {
                json.WriteString("host_redirect", redirect.Host);
            }

            if (redirect.Port is { } port)
            {
                json.WriteNumber("port_redirect", port);
            }

            if (redirect.Path is not null)
            {
                json.WriteString("path_redirect", redirect.Path);
            }

            if (redirect.PrefixRewrite is not null)
            {
                json.WriteString("prefix_rewrite", redirect.PrefixRewrite);
            }

            if (redirect.ResponseCode != 301)
            {
                json.WriteString("response_code", redirect.ResponseCode switch
                {
                    302 => "FOUND",
                    303 => "SEE_OTHER",
                    307 => "TEMPORARY_REDIRECT",
                    308 => "PERMANENT_REDIRECT",
                    _ => "MOVED_PERMANENTLY",
                });
            }

            WriteTrue(json, "strip_query", redirect.StripQuery);
            json.WriteEndObject();
        }

        WriteHeaderMutation(json, route.Headers);
        json.WriteEndObject();
    }

    private static void WriteRouteAction(Utf8JsonWriter json, RouteActionConfig action)
    {
        json.WriteStartObject("route");
        if (action.Cluster is not null)
        {
            json.WriteString("cluster", action.Cluster);
        }

        if (action.ClusterHeader is not null)
        {
            json.WriteString("cluster_header", action.ClusterHeader);
        }

        if (action.WeightedClusters is { } weighted)
        {
            json.WriteStartObject("weighted_clusters");
            json.WriteStartArray("clusters");
            foreach (var entry in weighted)
            {
                json.WriteStartObject();
                json.WriteString("name", entry.Name);
                json.WriteNumber("weight", entry.Weight);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (action.PrefixRewrite is not null)
        {
            json.WriteString("prefix_rewrite", action.PrefixRewrite);
        }

        if (action.RegexRewrite is { } rewrite)
        {
            json.WriteStartObject("regex_rewrite");
            json.WriteStartObject("pattern");
            json.WriteString("regex", rewrite.Pattern);
            json.WriteEndObject();
            json.WriteString("substitution", rewrite.Substitution);
            json.WriteEndObject();
        }

        if (action.HostRewriteLiteral is not null)
        {
            json.WriteString("host_rewrite_literal", action.HostRewriteLiteral);
        }

        WriteTrue(json, "auto_host_rewrite", action.AutoHostRewrite);
        json.WriteString("timeout", Duration(action.Timeout));
        if (action.IdleTimeout is { } idle)
        {
            json.WriteString("idle_timeout", Duration(idle));
        }

        if (action.RetryPolicy is { } retry)
        {
            json.WriteStartObject("retry_policy");
            json.WriteString("retry_on", string.Join(",", retry.RetryOn));
            json.WriteNumber("num_retries", retry.NumRetries);
            if (retry.PerTryTimeout is { } perTry)
            {
                json.WriteString("per_try_timeout", Duration(perTry));
            }

            if (retry.RetriableStatusCodes.Count > 0)
            {
                json.WriteStartArray("retriable_status_codes");
                foreach (var code in retry.RetriableStatusCodes)
                {
                    json.WriteNumberValue(code);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        if (action.UpgradeTypes.Count > 0)
        {
            json.WriteStartArray("upgrade_configs");
            foreach (var upgrade in action.UpgradeTypes)
            {
                json.WriteStartObject();
                json.WriteString("upgrade_type", upgrade);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (action.ClusterNotFoundResponseCode == 404)
        {
            json.WriteString("cluster_not_found_response_code", "NOT_FOUND");
        }

        json.WriteEndObject();
    }

    private static void WriteCluster(Utf8JsonWriter json, ClusterConfig cluster)
    {
        json.WriteStartObject();
        json.WriteString("@type", TypePrefix + "envoy.config.cluster.v3.Cluster");
        json.WriteString("name", cluster.Name);
        json.WriteString("type", EnvoyEnum(cluster.Type));
        json.WriteString("connect_timeout", Duration(cluster.ConnectTimeout));
        if (cluster.LbPolicy != LbPolicy.RoundRobin)
        {
            json.WriteString("lb_policy", EnvoyEnum(cluster.LbPolicy));
        }

        if (cluster.Type != DiscoveryType.Static)
        {
            if (cluster.DnsLookupFamily != DnsLookupFamily.Auto)
            {
                json.WriteString("dns_lookup_family", EnvoyEnum(cluster.DnsLookupFamily));
            }

            json.WriteString("dns_refresh_rate", Duration(cluster.DnsRefreshRate));
        }

        if (cluster.CircuitBreakers != CircuitBreakerThresholds.Default)
        {
            var limits = cluster.CircuitBreakers;
            json.WriteStartObject("circuit_breakers");
            json.WriteStartArray("thresholds");
            json.WriteStartObject();
            json.WriteNumber("max_connections", limits.MaxConnections);
            json.WriteNumber("max_pending_requests", limits.MaxPendingRequests);
            json.WriteNumber("max_requests", limits.MaxRequests);
            json.WriteNumber("max_retries", limits.MaxRetries);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteStartObject("load_assignment");
        json.WriteString("cluster_name", cluster.Name);
        json.WriteStartArray("endpoints");
        foreach (var priority in cluster.Endpoints.GroupBy(e => e.Priority).OrderBy(g => g.Key))
        {
            json.WriteStartObject();
            json.WriteStartArray("lb_endpoints");
            foreach (var endpoint in priority)
            {
                json.WriteStartObject();
                json.WriteStartObject("endpoint");
                WriteAddress(json, "address", new SocketAddressConfig(endpoint.Address, endpoint.Port));
                json.WriteEndObject();
                if (endpoint.Weight != 1)
                {
                    json.WriteNumber("load_balancing_weight", endpoint.Weight);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (priority.Key != 0)
            {
                json.WriteNumber("priority", priority.Key);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        if (cluster.IdleTimeout is { } idle)
        {
            json.WriteStartObject("common_http_protocol_options");
            json.WriteString("idle_timeout", Duration(idle));
            json.WriteEndObject();
        }

        if (cluster.Tls is { } tls)
        {
            json.WriteStartObject("transport_socket");
            json.WriteString("name", "envoy.transport_sockets.tls");
            json.WriteStartObject("typed_config");
            json.WriteString("@type", TypePrefix + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
            if (tls.Sni is not null)
            {
                json.WriteString("sni", tls.Sni);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteAddress(Utf8JsonWriter json, string property, SocketAddressConfig address)
    {
        json.WriteStartObject(property);
        json.WriteStartObject("socket_address");
        json.WriteString("address", address.Address);
        json.WriteNumber("port_value", address.Port);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteStringMatcher(Utf8JsonWriter json, StringMatcherConfig matcher)
    {
        json.WriteStartObject();
        if (matcher.Kind == StringMatchKind.SafeRegex)
        {
            json.WriteStartObject("safe_regex");
            json.WriteString("regex", matcher.Value);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString(matcher.Kind.ToString().ToLowerInvariant(), matcher.Value);
        }

        WriteTrue(json, "ignore_case", matcher.IgnoreCase);
        json.WriteEndObject();
    }

    private static void WriteHeaderMutation(Utf8JsonWriter json, HeaderMutationConfig headers)
    {
        WriteHeadersToAdd(json, "request_headers_to_add", headers.RequestAdd);
        WriteStrings(json, "request_headers_to_remove", headers.RequestRemove);
        WriteHeadersToAdd(json, "response_headers_to_add", headers.ResponseAdd);
        WriteStrings(json, "response_headers_to_remove", headers.ResponseRemove);
    }

    private static void WriteHeadersToAdd(Utf8JsonWriter json, string property, IReadOnlyList<HeaderValueOptionConfig> headers)
    {
        if (headers.Count == 0)
        {
            return;
        }

        json.WriteStartArray(property);
        foreach (var header in headers)
        {
            json.WriteStartObject();
            json.WriteStartObject("header");
            json.WriteString("key", header.Key);
            json.WriteString("value", header.Value);
            json.WriteEndObject();
            json.WriteString("append_action", EnvoyEnum(header.Action));
            WriteTrue(json, "keep_empty_value", header.KeepEmptyValue);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string property, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartArray(property);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteTrue(Utf8JsonWriter json, string property, bool value)
    {
        if (value)
        {
            json.WriteBoolean(property, true);
        }
    }

    /// <summary>A protobuf JSON Duration: <c>5s</c>, <c>0.250s</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var seconds = value.Ticks / TimeSpan.TicksPerSecond;
        var fraction = value.Ticks % TimeSpan.TicksPerSecond;
        if (fraction == 0)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        var nanos = fraction * 100;
        var digits = nanos % 1_000_000 == 0 ? (nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture)
            : nanos % 1_000 == 0 ? (nanos / 1_000).ToString("D6", CultureInfo.InvariantCulture)
            : nanos.ToString("D9", CultureInfo.InvariantCulture);
        return seconds.ToString(CultureInfo.InvariantCulture) + "." + digits + "s";
    }

    /// <summary>An enum member as Envoy spells it: <c>RoundRobin</c> becomes <c>ROUND_ROBIN</c>.</summary>
    public static string EnvoyEnum<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsAsciiLetterUpper(c) && !char.IsAsciiLetterUpper(name[i - 1]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(c));
        }

        return text.ToString();
    }
}
