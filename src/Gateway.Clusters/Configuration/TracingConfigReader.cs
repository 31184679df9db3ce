using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads an HCM's <c>tracing</c> (HttpConnectionManager.Tracing) and its provider: OpenTelemetry
/// (OTLP over gRPC or HTTP) and Zipkin (JSON v2). Other tracers are refused by name.
/// </summary>
internal static class TracingConfigReader
{
    private const string TracingType = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing";
    private const string OpenTelemetryType = "envoy.config.trace.v3.OpenTelemetryConfig";
    private const string ZipkinType = "envoy.config.trace.v3.ZipkinConfig";
    private const string PercentType = "envoy.type.v3.Percent";
    private const string CustomTagType = "envoy.type.tracing.v3.CustomTag";

    public static TracingConfig? Read(MessageReader hcm, IReadOnlySet<string> clusterNames)
    {
        var tracing = hcm.Message("tracing", TracingType);
        if (tracing is null)
        {
            return null;
        }

        var random = Percent(tracing, "random_sampling");
        var client = Percent(tracing, "client_sampling");
        var overall = Percent(tracing, "overall_sampling");
        // verbose adds per-stream log events to spans; nothing a client of the gateway observes.
        tracing.Bool("verbose");
        var maxPath = (int)(tracing.Integer("max_path_tag_length", 0, int.MaxValue) ?? 256);
        bool? spawnUpstream = tracing.Has("spawn_upstream_span") ? tracing.Bool("spawn_upstream_span") : null;
        var tags = ReadCustomTags(tracing.Messages("custom_tags", CustomTagType));
        var providerReader = tracing.Message("provider", "envoy.config.trace.v3.Tracing.Http");
        TracingProviderConfig? provider = null;
        if (providerReader is null)
        {
            // Envoy 1.18+ without a provider traces nothing; there is nothing to export to.
            tracing.Finish();
            return null;
        }

        provider = ReadProvider(providerReader, clusterNames);
        tracing.Finish();
        return provider is null ? null : new TracingConfig(provider, random, client, overall, spawnUpstream, maxPath, tags);
    }

    private static double Percent(MessageReader owner, string field)
    {
        var percent = owner.Message(field, PercentType);
        if (percent is null)
        {
            return 100;
        }

        var value = percent.Double("value") ?? 0;
        if (value is < 0 or > 100)
        {
            percent.Context.Error(percent.Join("value"), percent.MarkOf("value"), $"{field}.value must be between 0 and 100, got {value}");
        }

        percent.Finish();
        return value;
    }

    /// <summary>custom_tags entries (also the route-level Tracing's).</summary>
    internal static IReadOnlyList<CustomTagConfig> ReadCustomTags(IReadOnlyList<MessageReader> readers)
    {
        var tags = new List<CustomTagConfig>(readers.Count);
        foreach (var tag in readers)
        {
            var name = tag.RequiredString("tag");
            CustomTagConfig? parsed = null;
            if (tag.Message("literal", CustomTagType + ".Literal") is { } literal)
            {
                parsed = new CustomTagConfig(name, CustomTagKind.Literal, literal.RequiredString("value"), null);
                literal.Finish();
            }
            else if (tag.Message("request_header", CustomTagType + ".Header") is { } header)
            {
                parsed = new CustomTagConfig(name, CustomTagKind.RequestHeader, header.RequiredString("name"), NullIfEmpty(header.String("default_value")));
                header.Finish();
            }
            else if (tag.Message("environment", CustomTagType + ".Environment") is { } env)
            {
                parsed = new CustomTagConfig(name, CustomTagKind.Environment, env.RequiredString("name"), NullIfEmpty(env.String("default_value")));
                env.Finish();
            }
            else if (tag.Has("metadata"))
            {
                tag.Unsupported("metadata", "metadata custom tags are not implemented; use literal, request_header or environment");
            }
            else
            {
                tag.Context.Error(tag.Path, tag.Mark, $"custom tag '{name}' needs one of literal, request_header, environment");
            }

            tag.Finish();
            if (parsed is not null)
            {
                tags.Add(parsed);
            }
        }

        return tags;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static TracingProviderConfig? ReadProvider(MessageReader provider, IReadOnlySet<string> clusterNames)
    {
        var name = provider.RequiredString("name");
        var typed = provider.Any("typed_config");
        provider.Finish();
        if (typed is null)
        {
            provider.Context.Error(provider.Join("typed_config"), provider.Mark, $"tracer '{name}' needs a typed_config with \"@type\"");
            return null;
        }

        var reader = typed.Reader;
        TracingProviderConfig? result;
        switch (typed.TypeName)
        {
            case OpenTelemetryType:
                result = ReadOpenTelemetry(name, reader, clusterNames);
                break;
            case ZipkinType:
                result = ReadZipkin(name, reader, clusterNames);
                break;
            default:
                provider.Context.Unsupported(provider.Join("typed_config"), provider.MarkOf("name"),
                    $"tracer '{name}' ({typed.TypeName}) is not supported; supported tracers: envoy.tracers.opentelemetry, envoy.tracers.zipkin");
                return null;
        }

        reader.Finish();
        return result;
    }

    private static TracingProviderConfig? ReadOpenTelemetry(string name, MessageReader otel, IReadOnlySet<string> clusterNames)
    {
        var serviceName = otel.String("service_name");
        if (string.IsNullOrEmpty(serviceName))
        {
            serviceName = "unknown_service:envoy";
        }

        if (otel.Has("resource_detectors"))
        {
            otel.Unsupported("resource_detectors", "resource detectors are not implemented; the resource carries service.name only");
        }

        if (otel.Has("sampler"))
        {
            otel.Unsupported("sampler", "use the HCM's random_sampling instead");
        }

        if (otel.Message("grpc_service", "envoy.config.core.v3.GrpcService") is { } grpc)
        {
            var timeout = grpc.Duration("timeout");
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var metadata in grpc.Messages("initial_metadata", "envoy.config.core.v3.HeaderValue"))
            {
                headers.Add(new(metadata.RequiredString("key"), metadata.String("value") ?? ""));
                metadata.Finish();
            }

            if (grpc.Has("google_grpc"))
            {
                grpc.Unsupported("google_grpc", "use envoy_grpc with the collector's cluster_name");
            }

            grpc.Unsupported("retry_policy");
            var envoyGrpc = grpc.Message("envoy_grpc", "envoy.config.core.v3.GrpcService.EnvoyGrpc");
            grpc.Finish();
            if (envoyGrpc is null)
            {
                return null;
            }

            var cluster = envoyGrpc.RequiredString("cluster_name");
            var authority = NullIfEmpty(envoyGrpc.String("authority"));
            envoyGrpc.Integer("max_receive_message_length", 0, uint.MaxValue);
            envoyGrpc.Bool("skip_envoy_headers");
            envoyGrpc.Unsupported("retry_policy");
            CheckCluster(envoyGrpc, "cluster_name", cluster, clusterNames);
            envoyGrpc.Finish();
            otel.Finish();
            return new TracingProviderConfig(name, TracingProviderKind.OpenTelemetryGrpc, cluster, "", serviceName, timeout)
            {
                Headers = headers,
                Authority = authority,
            };
        }

        if (otel.Message("http_service", "envoy.config.core.v3.HttpService") is { } http)
        {
            var headers = HeaderValueOptionReader.ReadList(http, "request_headers_to_add")
                .Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();
            var uriReader = http.Message("http_uri", "envoy.config.core.v3.HttpUri");
            http.Finish();
            if (uriReader is null)
            {
                http.Context.Error(http.Join("http_uri"), http.Mark, "http_service needs http_uri (uri, cluster, timeout)");
                return null;
            }

            var uri = uriReader.RequiredString("uri");
            var cluster = uriReader.RequiredString("cluster");
            var timeout = uriReader.Duration("timeout");
            CheckCluster(uriReader, "cluster", cluster, clusterNames);
            uriReader.Finish();
            return new TracingProviderConfig(name, TracingProviderKind.OpenTelemetryHttp, cluster, PathOf(uri), serviceName, timeout)
            {
                Headers = headers,
                Authority = AuthorityOf(uri),
            };
        }

        otel.Context.Error(otel.Path, otel.Mark, "OpenTelemetryConfig needs grpc_service (envoy_grpc) or http_service to export to");
        return null;
    }

    private static TracingProviderConfig? ReadZipkin(string name, MessageReader zipkin, IReadOnlySet<string> clusterNames)
    {
        var cluster = zipkin.RequiredString("collector_cluster");
        var endpoint = zipkin.RequiredString("collector_endpoint");
        var id128 = zipkin.Bool("trace_id_128bit");
        var shared = zipkin.Bool("shared_span_context", true);
        var hostname = NullIfEmpty(zipkin.String("collector_hostname"));
        zipkin.Bool("split_spans_for_request");
        // Envoy's default (0) is disallowed; the examples all say HTTP_JSON.
        zipkin.Enum("collector_endpoint_version", ZipkinCollectorEndpointVersion.HttpJson,
            "envoy.config.trace.v3.ZipkinConfig.CollectorEndpointVersion", "HTTP_PROTO", "GRPC");
        CheckCluster(zipkin, "collector_cluster", cluster, clusterNames);
        return new TracingProviderConfig(name, TracingProviderKind.Zipkin, cluster, endpoint, "", null)
        {
            Authority = hostname,
            SharedSpanContext = shared,
            TraceId128Bit = id128,
        };
    }

    private static void CheckCluster(MessageReader owner, string field, string cluster, IReadOnlySet<string> clusterNames)
    {
        if (cluster.Length > 0 && !clusterNames.Contains(cluster))
        {
            owner.Context.Error(owner.Join(field), owner.MarkOf(field), $"tracing cluster '{cluster}' is not defined; add it under static_resources.clusters");
        }
    }

    private static string PathOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.PathAndQuery : uri.StartsWith('/') ? uri : "/" + uri;

    private static string? AuthorityOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.Authority : null;
}
