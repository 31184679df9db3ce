using Gateway.Clusters.Matching;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters.Callouts;

namespace Gateway.Filters.ExtAuthz;

/// <summary>Reads ExtAuthz and ExtAuthzPerRoute messages into <see cref="ExtAuthzSettings"/> / <see cref="ExtAuthzPerRouteSettings"/>.</summary>
internal static class ExtAuthzConfigReader
{
    public static ExtAuthzSettings? Read(string filterName, MessageReader config)
    {
        var grpc = config.Message("grpc_service", "envoy.config.core.v3.GrpcService");
        var http = config.Message("http_service", "envoy.extensions.filters.http.ext_authz.v3.HttpService");
        if ((grpc is null) == (http is null))
        {
            config.Context.Error(config.Path, config.Mark,
                $"ext_authz filter '{filterName}' needs exactly one of grpc_service (envoy_grpc.cluster_name) or http_service (server_uri.cluster)");
            grpc?.Finish();
            http?.Finish();
            return null;
        }

        ExtAuthzSettings? settings = grpc is not null ? ReadGrpc(filterName, grpc) : ReadHttp(filterName, http!);
        if (settings is null)
        {
            // The service is what is wrong; the other fields are not reported on top of it.
            foreach (var field in config.FieldNames)
            {
                config.Accept(field);
            }

            return null;
        }

        var version = config.String("transport_api_version");
        if (version is not null && !version.Equals("V3", StringComparison.OrdinalIgnoreCase))
        {
            config.Context.Error(config.Join("transport_api_version"), config.MarkOf("transport_api_version"),
                $"transport_api_version {version} is not supported; Envoy accepts V3 only");
        }

        var allowedHeaders = config.Message("allowed_headers", "envoy.type.matcher.v3.ListStringMatcher") is { } allowed
            ? ReadList(allowed)
            : settings.AllowedHeaders;
        var disallowed = config.Message("disallowed_headers", "envoy.type.matcher.v3.ListStringMatcher") is { } denied ? ReadList(denied) : [];
        var statusOnError = 403;
        if (config.Message("status_on_error", "envoy.type.v3.HttpStatus") is { } status)
        {
            statusOnError = ReadStatusCode(status, "code") ?? 403;
            status.Finish();
        }

        settings = settings with
        {
            AllowedHeaders = allowedHeaders,
            DisallowedHeaders = disallowed,
            FailureModeAllow = config.Bool("failure_mode_allow"),
            FailureModeAllowHeaderAdd = config.Bool("failure_mode_allow_header_add"),
            WithRequestBody = config.Message("with_request_body", "envoy.extensions.filters.http.ext_authz.v3.BufferSettings") is { } body ? ReadBody(body) : null,
            ClearRouteCache = config.Bool("clear_route_cache"),
            StatusOnError = statusOnError,
            MetadataContextNamespaces = config.Strings("metadata_context_namespaces"),
            IncludePeerCertificate = config.Bool("include_peer_certificate"),
            IncludeTlsSession = config.Bool("include_tls_session"),
            EncodeRawHeaders = config.Bool("encode_raw_headers"),
            StatPrefix = config.String("stat_prefix") ?? "",
        };

        // Checks Envoy makes on what the service asks for; the mutations applied here are already limited
        // to headers, and headers are validated by the server's own header collection.
        config.Accept("validate_mutations");
        // Response stats are charged to the cluster in any case (one set of counters per cluster).
        config.Accept("charge_cluster_response_stats");
        config.Accept("emit_filter_state_stats");
        foreach (var field in (ReadOnlySpan<string>)["filter_enabled", "filter_enabled_metadata", "deny_at_disable",
                     "typed_metadata_context_namespaces", "route_metadata_context_namespaces", "route_typed_metadata_context_namespaces",
                     "bootstrap_metadata_labels_key", "decoder_header_mutation_rules", "enable_dynamic_metadata_ingestion", "filter_metadata"])
        {
            config.Unsupported(field);
        }

        return settings;
    }

    public static ExtAuthzPerRouteSettings ReadPerRoute(MessageReader config)
    {
        var disabled = config.Bool("disabled");
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        var disableBuffering = false;
        ExtAuthzBodySettings? body = null;
        if (config.Message("check_settings", "envoy.extensions.filters.http.ext_authz.v3.CheckSettings") is { } check)
        {
            if (check.Take("context_extensions") is YamlDotNet.RepresentationModel.YamlMappingNode map)
            {
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } k } && value is YamlDotNet.RepresentationModel.YamlScalarNode v)
                    {
                        extensions[k] = v.Value ?? "";
                    }
                    else
                    {
                        check.Context.Error(check.Join("context_extensions"), YamlMark.Of(key), "context_extensions maps strings to strings");
                    }
                }
            }

            disableBuffering = check.Bool("disable_request_body_buffering");
            if (check.Message("with_request_body", "envoy.extensions.filters.http.ext_authz.v3.BufferSettings") is { } withBody)
            {
                body = ReadBody(withBody);
            }

            check.Unsupported("grpc_service", "set the service on the filter, not per route");
            check.Unsupported("http_service", "set the service on the filter, not per route");
            check.Finish();
        }

        return new ExtAuthzPerRouteSettings(disabled, extensions, disableBuffering, body);
    }

    private static ExtAuthzSettings? ReadGrpc(string filterName, MessageReader grpc)
    {
        var timeout = grpc.Duration("timeout") ?? TimeSpan.FromMilliseconds(200);
        var metadata = ReadHeaderValues(grpc, "initial_metadata");
        grpc.Unsupported("retry_policy");
        if (grpc.Message("google_grpc", "envoy.config.core.v3.GrpcService.GoogleGrpc") is { } google)
        {
            var target = google.RequiredString("target_uri");
            google.Accept("stat_prefix");
            google.Unsupported("channel_credentials", "use envoy_grpc with a TLS cluster");
            google.Unsupported("call_credentials");
            google.Unsupported("credentials_factory_name");
            google.Accept("config");
            google.Accept("per_stream_buffer_limit_bytes");
            google.Accept("channel_args");
            google.Finish();
            grpc.Finish();
            if (target.Length != 0 && !GoogleGrpcTargets.TryParse(target, out _, out _))
            {
                grpc.Context.Unsupported(google.Join("target_uri"), google.MarkOf("target_uri"),
                    $"google_grpc target_uri '{target}' is not supported; this gateway dials host:port targets (unix sockets are not supported): " +
                    "use a host:port, or a cluster with envoy_grpc");
                return null;
            }

            return new ExtAuthzSettings
            {
                FilterName = filterName,
                Transport = ExtAuthzTransport.Grpc,
                ClusterName = "",
                GoogleGrpcTarget = target,
                Timeout = timeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout,
                InitialMetadata = metadata,
            };
        }

        var envoy = grpc.Message("envoy_grpc", "envoy.config.core.v3.GrpcService.EnvoyGrpc");
        if (envoy is null)
        {
            grpc.Context.Error(grpc.Path, grpc.Mark, $"ext_authz filter '{filterName}': grpc_service needs envoy_grpc.cluster_name");
            grpc.Finish();
            return null;
        }

        var cluster = envoy.RequiredString("cluster_name");
        // The :authority Envoy sends defaults to the cluster name; the channel sends the endpoint address.
        envoy.Accept("authority");
        envoy.Accept("max_receive_message_length");
        envoy.Accept("skip_envoy_headers");
        envoy.Unsupported("retry_policy");
        envoy.Finish();
        grpc.Finish();
        return new ExtAuthzSettings
        {
            FilterName = filterName,
            Transport = ExtAuthzTransport.Grpc,
            ClusterName = cluster,
            Timeout = timeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout,
            InitialMetadata = metadata,
        };
    }

    private static ExtAuthzSettings? ReadHttp(string filterName, MessageReader http)
    {
        var uri = http.Message("server_uri", "envoy.config.core.v3.HttpUri");
        if (uri is null)
        {
            http.Context.Error(http.Path, http.Mark, $"ext_authz filter '{filterName}': http_service needs server_uri (uri, cluster, timeout)");
            http.Finish();
            return null;
        }

        // Envoy takes only the cluster and timeout from server_uri; the uri itself is informational.
        uri.Accept("uri");
        var cluster = uri.RequiredString("cluster");
        var timeout = uri.Duration("timeout");
        if (timeout is null && !uri.Has("timeout"))
        {
            uri.Context.Error(uri.Join("timeout"), uri.Mark, "missing required field 'timeout' of envoy.config.core.v3.HttpUri (e.g. timeout: 0.25s)");
        }

        uri.Finish();
        var prefix = http.String("path_prefix") ?? "";
        if (prefix.Length != 0 && !prefix.StartsWith('/'))
        {
            http.Context.Error(http.Join("path_prefix"), http.MarkOf("path_prefix"), "path_prefix must start with '/'");
        }

        IReadOnlyList<StringMatcherConfig>? allowed = null;
        IReadOnlyList<KeyValuePair<string, string>> headersToAdd = [];
        if (http.Message("authorization_request", "envoy.extensions.filters.http.ext_authz.v3.AuthorizationRequest") is { } request)
        {
            if (request.Message("allowed_headers", "envoy.type.matcher.v3.ListStringMatcher") is { } list)
            {
                allowed = ReadList(list);
            }

            headersToAdd = ReadHeaderValues(request, "headers_to_add");
            request.Finish();
        }

        var settings = new ExtAuthzSettings
        {
            FilterName = filterName,
            Transport = ExtAuthzTransport.Http,
            ClusterName = cluster,
            Timeout = timeout is null || timeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout.Value,
            PathPrefix = prefix,
            AllowedHeaders = allowed,
            HeadersToAdd = headersToAdd,
        };
        if (http.Message("authorization_response", "envoy.extensions.filters.http.ext_authz.v3.AuthorizationResponse") is { } response)
        {
            settings = settings with
            {
                AllowedUpstreamHeaders = ListOf(response, "allowed_upstream_headers") ?? [],
                AllowedUpstreamHeadersToAppend = ListOf(response, "allowed_upstream_headers_to_append") ?? [],
                AllowedClientHeaders = ListOf(response, "allowed_client_headers"),
                AllowedClientHeadersOnSuccess = ListOf(response, "allowed_client_headers_on_success") ?? [],
                DynamicMetadataFromHeaders = ListOf(response, "dynamic_metadata_from_headers") ?? [],
            };
            response.Finish();
        }

        http.Unsupported("retry_policy");
        http.Finish();
        return settings;
    }

    private static IReadOnlyList<StringMatcherConfig>? ListOf(MessageReader owner, string field) =>
        owner.Message(field, "envoy.type.matcher.v3.ListStringMatcher") is { } list ? ReadList(list) : null;

    private static IReadOnlyList<StringMatcherConfig> ReadList(MessageReader list)
    {
        var patterns = list.Messages("patterns", "envoy.type.matcher.v3.StringMatcher").Select(HeaderMatcherReader.ReadStringMatcher).ToArray();
        list.Finish();
        return patterns;
    }

    private static ExtAuthzBodySettings ReadBody(MessageReader body)
    {
        var max = (int)(body.Integer("max_request_bytes", 0, int.MaxValue) ?? 0);
        var partial = body.Bool("allow_partial_message");
        var bytes = body.Bool("pack_as_bytes");
        body.Finish();
        return new ExtAuthzBodySettings(max, partial, bytes);
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ReadHeaderValues(MessageReader owner, string field)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var header in owner.Messages(field, "envoy.config.core.v3.HeaderValue"))
        {
            var key = header.RequiredString("key");
            var value = header.String("value") ?? "";
            header.Unsupported("raw_value", "use value");
            header.Finish();
            result.Add(new(key.ToLowerInvariant(), value));
        }

        return result;
    }

    /// <summary>An envoy.type.v3.StatusCode enum field: a number, or a name such as <c>Forbidden</c>.</summary>
    internal static int? ReadStatusCode(MessageReader owner, string field)
    {
        var mark = owner.MarkOf(field);
        var text = owner.String(field);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is >= 100 and <= 599)
        {
            return number;
        }

        if (StatusCodeNames.TryGetValue(text, out var named))
        {
            return named;
        }

        owner.Context.Error(owner.Join(field), mark, $"invalid value '{text}' for enum envoy.type.v3.StatusCode; use a status number (e.g. 403) or a name such as Forbidden");
        return null;
    }

    private static readonly Dictionary<string, int> StatusCodeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Continue"] = 100, ["OK"] = 200, ["Created"] = 201, ["Accepted"] = 202, ["NoContent"] = 204,
        ["MovedPermanently"] = 301, ["Found"] = 302, ["SeeOther"] = 303, ["NotModified"] = 304, ["TemporaryRedirect"] = 307, ["PermanentRedirect"] = 308,
        ["BadRequest"] = 400, ["Unauthorized"] = 401, ["PaymentRequired"] = 402, ["Forbidden"] = 403, ["NotFound"] = 404,
        ["MethodNotAllowed"] = 405, ["NotAcceptable"] = 406, ["RequestTimeout"] = 408, ["Conflict"] = 409, ["Gone"] = 410,
        ["PayloadTooLarge"] = 413, ["TooManyRequests"] = 429,
        ["InternalServerError"] = 500, ["NotImplemented"] = 501, ["BadGateway"] = 502, ["ServiceUnavailable"] = 503, ["GatewayTimeout"] = 504,
    };
}
