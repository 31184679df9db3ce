using System.Net;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads static_resources.clusters[] with Envoy's defaults and checks.</summary>
internal static class ClusterConfigReader
{
    private const string HttpProtocolOptionsType = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    private const string UpstreamTlsType = "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

    public static IReadOnlyList<ClusterConfig> ReadAll(IReadOnlyList<MessageReader> readers, ConfigLoadContext context)
    {
        var result = new List<ClusterConfig>(readers.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reader in readers)
        {
            var cluster = Read(reader);
            if (cluster is null)
            {
                continue;
            }

            if (!names.Add(cluster.Name))
            {
                context.Error(reader.Join("name"), reader.MarkOf("name"), $"cluster manager: duplicate cluster '{cluster.Name}'; cluster names must be unique");
                continue;
            }

            result.Add(cluster);
        }

        return result;
    }

    private static ClusterConfig? Read(MessageReader cluster)
    {
        var name = cluster.RequiredString("name");
        // EDS from a file: the endpoints are the file's ClusterLoadAssignment, served as a STATIC cluster's.
        IReadOnlyList<EndpointConfig>? edsEndpoints = null;
        var overprovisioning = 140;
        DiscoveryType type;
        if (cluster.Has("type") && string.Equals((cluster.Take("type") as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value, "EDS", StringComparison.OrdinalIgnoreCase))
        {
            type = DiscoveryType.Static;
            edsEndpoints = ReadEds(cluster, name, ref overprovisioning);
        }
        else
        {
            type = cluster.Enum("type", DiscoveryType.Static, "envoy.config.cluster.v3.Cluster.DiscoveryType", "ORIGINAL_DST");
        }
        if (cluster.Has("cluster_type"))
        {
            cluster.Unsupported("cluster_type", "use type STATIC, STRICT_DNS or LOGICAL_DNS");
        }

        var connectTimeout = cluster.Duration("connect_timeout") ?? TimeSpan.FromSeconds(5);
        var lbPolicy = cluster.Enum("lb_policy", LbPolicy.RoundRobin, "envoy.config.cluster.v3.Cluster.LbPolicy",
            "RING_HASH", "MAGLEV", "CLUSTER_PROVIDED", "LOAD_BALANCING_POLICY_CONFIG");
        var family = cluster.Enum("dns_lookup_family", DnsLookupFamily.Auto, "envoy.config.cluster.v3.Cluster.DnsLookupFamily");
        var refresh = cluster.Duration("dns_refresh_rate") ?? TimeSpan.FromSeconds(5);
        if (cluster.Bool("respect_dns_ttl"))
        {
            cluster.Context.Unsupported(cluster.Join("respect_dns_ttl"), cluster.MarkOf("respect_dns_ttl"),
                "respect_dns_ttl is not implemented; DNS is re-resolved every dns_refresh_rate");
        }
        cluster.Accept("alt_stat_name");
        var endpoints = edsEndpoints ?? ReadLoadAssignment(cluster.Message("load_assignment", "envoy.config.endpoint.v3.ClusterLoadAssignment"), type, ref overprovisioning);
        var panicThreshold = ReadCommonLbConfig(cluster);
        var protocol = UpstreamProtocol.Http1;
        if (cluster.Message("http2_protocol_options", "envoy.config.core.v3.Http2ProtocolOptions") is { } legacyHttp2)
        {
            AcceptHttp2Options(legacyHttp2);
            protocol = UpstreamProtocol.Http2;
        }

        if (cluster.Message("http_protocol_options", "envoy.config.core.v3.Http1ProtocolOptions") is { } legacyHttp1)
        {
            AcceptHttp1Options(legacyHttp1);
        }

        // The deprecated Cluster.protocol_selection (USE_CONFIGURED_PROTOCOL is the default).
        var selection = cluster.String("protocol_selection");
        if (selection is not null && selection.Equals("USE_DOWNSTREAM_PROTOCOL", StringComparison.OrdinalIgnoreCase))
        {
            protocol = UpstreamProtocol.UseDownstream;
        }
        else if (selection is not null && !selection.Equals("USE_CONFIGURED_PROTOCOL", StringComparison.OrdinalIgnoreCase))
        {
            cluster.Context.Error(cluster.Join("protocol_selection"), cluster.MarkOf("protocol_selection"),
                $"invalid value '{selection}' for enum envoy.config.cluster.v3.Cluster.ClusterProtocolSelection; expected USE_CONFIGURED_PROTOCOL or USE_DOWNSTREAM_PROTOCOL");
        }

        if (cluster.Message("common_http_protocol_options", "envoy.config.core.v3.HttpProtocolOptions") is { } legacyCommon)
        {
            ReadCommonHttpOptions(legacyCommon, out _);
        }

        TimeSpan? idleTimeout = null;
        if (cluster.Take("typed_extension_protocol_options") is YamlDotNet.RepresentationModel.YamlMappingNode extensions)
        {
            foreach (var (key, value) in extensions.Children)
            {
                var extension = ((YamlDotNet.RepresentationModel.YamlScalarNode)key).Value ?? "";
                var path = cluster.Join("typed_extension_protocol_options") + "." + extension;
                var typed = cluster.AnyOf(path, value);
                if (typed is null)
                {
                    continue;
                }

                if (typed.TypeName != HttpProtocolOptionsType)
                {
                    cluster.Context.Unsupported(path, YamlMark.Of(key), $"protocol options {typed.TypeName} are not supported; use {HttpProtocolOptionsType}");
                    continue;
                }

                protocol = ReadHttpProtocolOptions(typed.Reader, out idleTimeout);
            }
        }

        UpstreamTlsConfig? tls = null;
        if (cluster.Message("transport_socket", "envoy.config.core.v3.TransportSocket") is { } socket)
        {
            tls = ReadUpstreamTls(socket);
        }

        var breakers = ReadCircuitBreakers(cluster.Message("circuit_breakers", "envoy.config.cluster.v3.CircuitBreakers"));
        var outlier = ReadOutlierDetection(cluster.Message("outlier_detection", "envoy.config.cluster.v3.OutlierDetection"));
        HealthCheckConfig? health = null;
        var checks = cluster.Messages("health_checks", "envoy.config.core.v3.HealthCheck");
        if (checks.Count > 0)
        {
            health = ReadHealthCheck(checks[0]);
            for (var i = 1; i < checks.Count; i++)
            {
                checks[i].Context.Unsupported(checks[i].Path, checks[i].Mark, "only one health check per cluster is supported");
            }
        }

        cluster.Finish();
        return name.Length == 0
            ? null
            : new ClusterConfig(name, type, connectTimeout, lbPolicy, family, refresh, endpoints, protocol, tls, breakers, outlier, health, idleTimeout, cluster.Path)
            {
                HealthyPanicThreshold = panicThreshold,
                OverprovisioningFactor = overprovisioning,
            };
    }

    /// <summary>
    /// common_lb_config: healthy_panic_threshold (Envoy's default 50%); the other fields change nothing a
    /// client sees here (update_merge_window paces host set updates) or are refused by name.
    /// </summary>
    private static double ReadCommonLbConfig(MessageReader cluster)
    {
        if (cluster.Message("common_lb_config", "envoy.config.cluster.v3.Cluster.CommonLbConfig") is not { } common)
        {
            return 50;
        }

        var threshold = 50.0;
        if (common.Message("healthy_panic_threshold", "envoy.type.v3.Percent") is { } percent)
        {
            threshold = percent.Double("value") ?? 0;
            if (threshold is < 0 or > 100)
            {
                percent.Context.Error(percent.Join("value"), percent.MarkOf("value"), $"healthy_panic_threshold must be between 0 and 100, got {threshold}");
                threshold = 50;
            }

            percent.Finish();
        }

        common.Duration("update_merge_window");
        common.Finish();
        return threshold;
    }

    /// <summary>An EDS cluster's endpoints from eds_cluster_config.eds_config's file (the assignment named service_name, else the cluster's name).</summary>
    private static IReadOnlyList<EndpointConfig> ReadEds(MessageReader cluster, string name, ref int overprovisioning)
    {
        var eds = cluster.Message("eds_cluster_config", "envoy.config.cluster.v3.Cluster.EdsClusterConfig");
        if (eds is null)
        {
            cluster.Context.Error(cluster.Join("eds_cluster_config"), cluster.Mark, "an EDS cluster needs eds_cluster_config.eds_config with a path_config_source");
            return [];
        }

        var source = DynamicResourcesReader.ReadSource(eds, "eds_config");
        var serviceName = eds.String("service_name") is { Length: > 0 } s ? s : name;
        eds.Finish();
        if (source is null || DiscoveryFile.Read(source, "envoy.config.endpoint.v3.ClusterLoadAssignment", cluster.Context, eds.Path) is not { } file)
        {
            return [];
        }

        IReadOnlyList<EndpointConfig> endpoints = [];
        var assignment = file.Resources.FirstOrDefault(r => r.String("cluster_name") == serviceName);
        if (assignment is null)
        {
            file.Context.Error("resources", YamlMark.None,
                $"no ClusterLoadAssignment with cluster_name '{serviceName}' in this file; add it, or fix eds_cluster_config.service_name");
        }
        else
        {
            endpoints = ReadLoadAssignment(assignment, DiscoveryType.Static, ref overprovisioning);
        }

        cluster.Context.DynamicFiles.Add(file.ToModel("endpoint"));
        cluster.Context.Include(file.Context);
        return endpoints;
    }

    private static IReadOnlyList<EndpointConfig> ReadLoadAssignment(MessageReader? assignment, DiscoveryType type, ref int overprovisioning)
    {
        if (assignment is null)
        {
            return [];
        }

        assignment.Accept("cluster_name");
        if (assignment.Message("policy", "envoy.config.endpoint.v3.ClusterLoadAssignment.Policy") is { } policy)
        {
            overprovisioning = (int)(policy.Integer("overprovisioning_factor", 1, int.MaxValue) ?? 140);
            policy.Finish();
        }

        var result = new List<EndpointConfig>();
        var localities = assignment.Messages("endpoints", "envoy.config.endpoint.v3.LocalityLbEndpoints");
        assignment.Finish();
        foreach (var locality in localities)
        {
            locality.Accept("locality");
            locality.Accept("load_balancing_weight");
            var priority = (int)(locality.Integer("priority", 0, 128) ?? 0);
            var lbEndpoints = locality.Messages("lb_endpoints", "envoy.config.endpoint.v3.LbEndpoint");
            locality.Finish();
            foreach (var lbEndpoint in lbEndpoints)
            {
                var weight = (int)(lbEndpoint.Integer("load_balancing_weight", 1, 128 * 1024) ?? 1);
                var metadata = EndpointMetadataReader.Read(lbEndpoint);
                if (lbEndpoint.String("health_status") is { } healthStatus &&
                    !healthStatus.Equals("HEALTHY", StringComparison.OrdinalIgnoreCase) && !healthStatus.Equals("UNKNOWN", StringComparison.OrdinalIgnoreCase))
                {
                    lbEndpoint.Context.Unsupported(lbEndpoint.Join("health_status"), lbEndpoint.MarkOf("health_status"),
                        $"health_status {healthStatus} is not implemented; remove the endpoint, or use health_checks to take it out of rotation");
                }
                var endpoint = lbEndpoint.Message("endpoint", "envoy.config.endpoint.v3.Endpoint");
                lbEndpoint.Finish();
                if (endpoint is null)
                {
                    lbEndpoint.Context.Error(lbEndpoint.Join("endpoint"), lbEndpoint.Mark, "missing endpoint.address.socket_address");
                    continue;
                }

                var hostname = endpoint.String("hostname");
                string? healthHost = null;
                int? healthPort = null;
                string? healthHostname = null;
                var healthDisabled = false;
                if (endpoint.Message("health_check_config", "envoy.config.endpoint.v3.Endpoint.HealthCheckConfig") is { } hc)
                {
                    // Envoy's resolveHealthCheckAddress: the address (else the host's), with port_value over its port.
                    var portValue = (int)(hc.Integer("port_value", 0, 65535) ?? 0);
                    healthHostname = hc.String("hostname") is { Length: > 0 } h ? h : null;
                    if (hc.Has("address") && SocketAddressReader.Read(hc.Message("address", "envoy.config.core.v3.Address"), hc, "address") is { } healthAddress)
                    {
                        healthHost = healthAddress.Address;
                        healthPort = healthAddress.Port;
                    }

                    if (portValue != 0)
                    {
                        healthPort = portValue;
                    }

                    healthDisabled = hc.Bool("disable_active_health_check");
                    hc.Finish();
                }

                var address = SocketAddressReader.Read(endpoint.Message("address", "envoy.config.core.v3.Address"), endpoint, "address");
                endpoint.Finish();
                if (address is null)
                {
                    continue;
                }

                if (type == DiscoveryType.Static && !IPAddress.TryParse(address.Address, out _))
                {
                    endpoint.Context.Error(endpoint.Join("address.socket_address.address"), endpoint.Mark,
                        $"malformed IP address: {address.Address}; a STATIC cluster needs IP addresses, use type STRICT_DNS or LOGICAL_DNS for host names");
                }

                result.Add(new EndpointConfig(address.Address, address.Port, weight, priority, string.IsNullOrEmpty(hostname) ? null : hostname)
                {
                    Metadata = metadata,
                    HealthCheckHost = healthHost,
                    HealthCheckPort = healthPort,
                    HealthCheckHostname = healthHostname,
                    ActiveHealthCheckDisabled = healthDisabled,
                });
            }
        }

        if (type == DiscoveryType.LogicalDns && result.Count != 1)
        {
            (localities.Count > 0 ? localities[0] : null)?.Context.Error(localities[0].Path, localities[0].Mark,
                "LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint");
        }

        return result;
    }

    private static UpstreamProtocol ReadHttpProtocolOptions(MessageReader options, out TimeSpan? idleTimeout)
    {
        idleTimeout = null;
        var protocol = UpstreamProtocol.Http1;
        if (options.Message("common_http_protocol_options", "envoy.config.core.v3.HttpProtocolOptions") is { } common)
        {
            ReadCommonHttpOptions(common, out idleTimeout);
        }

        if (options.Message("upstream_http_protocol_options", "envoy.config.core.v3.UpstreamHttpProtocolOptions") is { } upstream)
        {
            upstream.Accept("auto_sni");
            upstream.Accept("auto_san_validation");
            upstream.Finish();
        }

        if (options.Message("explicit_http_config", "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig") is { } explicitConfig)
        {
            if (explicitConfig.Message("http2_protocol_options", "envoy.config.core.v3.Http2ProtocolOptions") is { } http2)
            {
                AcceptHttp2Options(http2);
                protocol = UpstreamProtocol.Http2;
            }

            if (explicitConfig.Message("http_protocol_options", "envoy.config.core.v3.Http1ProtocolOptions") is { } http1)
            {
                AcceptHttp1Options(http1);
            }

            if (explicitConfig.Has("http3_protocol_options"))
            {
                explicitConfig.Unsupported("http3_protocol_options", "use HTTP/1.1 or HTTP/2 upstream");
            }

            explicitConfig.Finish();
        }
        else if (options.Message("auto_config", "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig") is { } auto)
        {
            if (auto.Message("http2_protocol_options", "envoy.config.core.v3.Http2ProtocolOptions") is { } http2)
            {
                AcceptHttp2Options(http2);
            }

            if (auto.Message("http_protocol_options", "envoy.config.core.v3.Http1ProtocolOptions") is { } http1)
            {
                AcceptHttp1Options(http1);
            }

            auto.Finish();
            protocol = UpstreamProtocol.Auto;
        }
        else if (options.Message("use_downstream_protocol_config", "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig") is { } downstream)
        {
            if (downstream.Message("http2_protocol_options", "envoy.config.core.v3.Http2ProtocolOptions") is { } http2)
            {
                AcceptHttp2Options(http2);
            }

            if (downstream.Message("http_protocol_options", "envoy.config.core.v3.Http1ProtocolOptions") is { } http1)
            {
                AcceptHttp1Options(http1);
            }

            if (downstream.Has("http3_protocol_options"))
            {
                downstream.Unsupported("http3_protocol_options", "use HTTP/1.1 or HTTP/2 upstream");
            }

            downstream.Finish();
            protocol = UpstreamProtocol.UseDownstream;
        }

        if (options.Has("http_filters"))
        {
            options.Unsupported("http_filters", "upstream HTTP filters are not implemented");
        }

        return protocol;
    }

    private static void ReadCommonHttpOptions(MessageReader common, out TimeSpan? idleTimeout)
    {
        idleTimeout = common.Duration("idle_timeout");
        common.Finish();
    }

    // HTTP/2 and HTTP/1 tuning knobs are Envoy codec internals; SocketsHttpHandler chooses its own.
    private static void AcceptHttp2Options(MessageReader http2)
    {
        foreach (var field in http2.FieldNames.ToArray())
        {
            if (field is "max_concurrent_streams" or "initial_stream_window_size" or "initial_connection_window_size" or "allow_connect" or "hpack_table_size")
            {
                http2.Accept(field);
            }
        }

        http2.Finish();
    }

    private static void AcceptHttp1Options(MessageReader http1)
    {
        foreach (var field in http1.FieldNames.ToArray())
        {
            if (field is "accept_http_10" or "default_host_for_http_10" or "header_key_format")
            {
                http1.Accept(field);
            }
        }

        http1.Finish();
    }

    private static UpstreamTlsConfig? ReadUpstreamTls(MessageReader socket)
    {
        socket.Accept("name");
        var typed = socket.Any("typed_config");
        socket.Finish();
        if (typed is null)
        {
            socket.Context.Error(socket.Join("typed_config"), socket.Mark, "transport_socket needs a typed_config (UpstreamTlsContext)");
            return null;
        }

        if (typed.TypeName == "envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")
        {
            typed.Reader.Finish();
            return null;
        }

        if (typed.TypeName != UpstreamTlsType)
        {
            socket.Context.Unsupported(socket.Path, socket.Mark, $"upstream transport socket {typed.TypeName} is not supported; use {UpstreamTlsType}");
            return null;
        }

        var tls = typed.Reader;
        var sni = tls.String("sni");
        tls.Accept("allow_renegotiation");
        CertificateValidationConfig? validation = null;
        (string Chain, string Key)? clientCertificate = null;
        var alpn = (IReadOnlyList<string>)[];
        // Envoy's upstream defaults: TLS 1.2 to 1.3.
        var minimum = System.Security.Authentication.SslProtocols.Tls12;
        var maximum = System.Security.Authentication.SslProtocols.Tls13;
        if (tls.Message("common_tls_context", "envoy.extensions.transport_sockets.tls.v3.CommonTlsContext") is { } common)
        {
            alpn = common.Strings("alpn_protocols");
            if (common.Message("validation_context", CertificateValidationReader.ValidationType) is { } validationReader)
            {
                validation = CertificateValidationReader.Read(validationReader);
            }

            var certificates = common.Messages("tls_certificates", "envoy.extensions.transport_sockets.tls.v3.TlsCertificate");
            if (certificates.Count > 0)
            {
                // Envoy presents the first client certificate (an upstream context takes one).
                clientCertificate = CertificateValidationReader.ReadCertificate(certificates[0]);
            }

            if (common.Message("tls_params", "envoy.extensions.transport_sockets.tls.v3.TlsParameters") is { } tlsParams)
            {
                minimum = TlsVersionOf(tlsParams, "tls_minimum_protocol_version", minimum);
                maximum = TlsVersionOf(tlsParams, "tls_maximum_protocol_version", maximum);
                tlsParams.Finish();
            }

            common.Finish();
        }

        tls.Finish();
        return new UpstreamTlsConfig(sni, validation, alpn, ProtocolsBetween(minimum, maximum))
        {
            ClientCertificateChainPem = clientCertificate?.Chain,
            ClientPrivateKeyPem = clientCertificate?.Key,
        };
    }

    /// <summary>TlsParameters.TlsProtocol: TLS_AUTO keeps the default; 1.0 and 1.1 are refused (the platform disables them).</summary>
    private static System.Security.Authentication.SslProtocols TlsVersionOf(MessageReader tlsParams, string field, System.Security.Authentication.SslProtocols fallback)
    {
        var text = tlsParams.String(field);
        switch (text?.ToUpperInvariant())
        {
            case null or "TLS_AUTO":
                return fallback;
            case "TLSV1_2":
                return System.Security.Authentication.SslProtocols.Tls12;
            case "TLSV1_3":
                return System.Security.Authentication.SslProtocols.Tls13;
            case "TLSV1_0" or "TLSV1_1":
                tlsParams.Context.Unsupported(tlsParams.Join(field), tlsParams.MarkOf(field), $"{text} is not supported; use TLSv1_2 or TLSv1_3");
                return fallback;
            default:
                tlsParams.Context.Error(tlsParams.Join(field), tlsParams.MarkOf(field),
                    $"invalid value '{text}' for enum envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol; expected one of TLS_AUTO, TLSv1_0, TLSv1_1, TLSv1_2, TLSv1_3");
                return fallback;
        }
    }

    private static System.Security.Authentication.SslProtocols ProtocolsBetween(System.Security.Authentication.SslProtocols minimum, System.Security.Authentication.SslProtocols maximum)
    {
        var result = System.Security.Authentication.SslProtocols.None;
        if (minimum <= System.Security.Authentication.SslProtocols.Tls12 && maximum >= System.Security.Authentication.SslProtocols.Tls12)
        {
            result |= System.Security.Authentication.SslProtocols.Tls12;
        }

        if (maximum >= System.Security.Authentication.SslProtocols.Tls13)
        {
            result |= System.Security.Authentication.SslProtocols.Tls13;
        }

        return result == System.Security.Authentication.SslProtocols.None ? System.Security.Authentication.SslProtocols.Tls13 : result;
    }

    private static CircuitBreakerThresholds ReadCircuitBreakers(MessageReader? breakers)
    {
        if (breakers is null)
        {
            return CircuitBreakerThresholds.Default;
        }

        var result = CircuitBreakerThresholds.Default;
        foreach (var threshold in breakers.Messages("thresholds", "envoy.config.cluster.v3.CircuitBreakers.Thresholds"))
        {
            var priority = threshold.String("priority") ?? "DEFAULT";
            var current = new CircuitBreakerThresholds(
                (int)(threshold.Integer("max_connections", 0, int.MaxValue) ?? 1024),
                (int)(threshold.Integer("max_pending_requests", 0, int.MaxValue) ?? 1024),
                (int)(threshold.Integer("max_requests", 0, int.MaxValue) ?? 1024),
                (int)(threshold.Integer("max_retries", 0, int.MaxValue) ?? 3));
            threshold.Accept("track_remaining");
            threshold.Finish();
            // All endpoints here are DEFAULT priority traffic; HIGH thresholds apply to none of it.
            if (priority.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))
            {
                result = current;
            }
        }

        breakers.Finish();
        return result;
    }

    private static OutlierDetectionConfig? ReadOutlierDetection(MessageReader? outlier)
    {
        if (outlier is null)
        {
            return null;
        }

        var result = new OutlierDetectionConfig(
            (int)(outlier.Integer("consecutive_5xx", 0, int.MaxValue) ?? 5),
            (int)(outlier.Integer("consecutive_gateway_failure", 0, int.MaxValue) ?? 5),
            outlier.Duration("interval") ?? TimeSpan.FromSeconds(10),
            outlier.Duration("base_ejection_time") ?? TimeSpan.FromSeconds(30),
            (int)(outlier.Integer("max_ejection_percent", 0, 100) ?? 10),
            (int)(outlier.Integer("enforcing_consecutive_5xx", 0, 100) ?? 100),
            (int)(outlier.Integer("enforcing_consecutive_gateway_failure", 0, 100) ?? 0));
        outlier.Accept("enforcing_success_rate");
        outlier.Finish();
        return result;
    }

    private static HealthCheckConfig? ReadHealthCheck(MessageReader check)
    {
        var timeout = check.Duration("timeout");
        var interval = check.Duration("interval");
        var healthy = (int)(check.Integer("healthy_threshold", 0, 1000) ?? 1);
        var unhealthy = (int)(check.Integer("unhealthy_threshold", 0, 1000) ?? 1);
        check.Accept("no_traffic_interval");
        check.Accept("interval_jitter");
        check.Accept("initial_jitter");
        var http = check.Message("http_health_check", "envoy.config.core.v3.HealthCheck.HttpHealthCheck");
        if (timeout is null)
        {
            check.Context.Error(check.Join("timeout"), check.Mark, "missing required field 'timeout'");
        }

        if (interval is null)
        {
            check.Context.Error(check.Join("interval"), check.Mark, "missing required field 'interval'");
        }

        check.Finish();
        if (http is null)
        {
            if (!check.Has("tcp_health_check") && !check.Has("grpc_health_check"))
            {
                check.Context.Error(check.Path, check.Mark, "a health check needs http_health_check");
            }

            return null;
        }

        var path = http.RequiredString("path");
        var host = http.String("host");
        var expected = new List<Int64RangeConfig>();
        foreach (var range in http.Messages("expected_statuses", "envoy.type.v3.Int64Range"))
        {
            expected.Add(new Int64RangeConfig(range.Integer("start", 100, 599) ?? 200, range.Integer("end", 101, 600) ?? 201));
            range.Finish();
        }

        http.Finish();
        return new HealthCheckConfig(path, host, interval ?? TimeSpan.FromSeconds(5), timeout ?? TimeSpan.FromSeconds(1),
            healthy, unhealthy, expected.Count > 0 ? expected : [new Int64RangeConfig(200, 201)]);
    }
}
