using Gateway.Clusters.Matching;
using Gateway.Clusters.Configuration;

namespace Gateway.Tests.Configuration;

public class EnvoyFieldCatalogTests
{
    private const string Hcm = "envoy.extensions.filters.network.http_connection_manager.v3.";
    private const string Tls = "envoy.extensions.transport_sockets.tls.v3.";

    private static readonly string[] Required =
    [
        "envoy.config.bootstrap.v3.Bootstrap",
        "envoy.config.bootstrap.v3.Bootstrap.StaticResources",
        "envoy.config.bootstrap.v3.Admin",
        "envoy.config.core.v3.Address",
        "envoy.config.core.v3.SocketAddress",
        "envoy.config.core.v3.Pipe",
        "envoy.config.listener.v3.Listener",
        "envoy.config.listener.v3.FilterChain",
        "envoy.config.listener.v3.FilterChainMatch",
        "envoy.config.listener.v3.Filter",
        Hcm + "HttpConnectionManager",
        Hcm + "HttpConnectionManager.UpgradeConfig",
        Hcm + "HttpFilter",
        "envoy.config.route.v3.RouteConfiguration",
        "envoy.config.route.v3.VirtualHost",
        "envoy.config.route.v3.Route",
        "envoy.config.route.v3.RouteMatch",
        "envoy.config.route.v3.RouteAction",
        "envoy.config.route.v3.RouteAction.RequestMirrorPolicy",
        "envoy.config.route.v3.RouteAction.UpgradeConfig",
        "envoy.config.route.v3.WeightedCluster",
        "envoy.config.route.v3.WeightedCluster.ClusterWeight",
        "envoy.config.route.v3.DirectResponseAction",
        "envoy.config.route.v3.RedirectAction",
        "envoy.config.route.v3.HeaderMatcher",
        "envoy.config.route.v3.QueryParameterMatcher",
        "envoy.config.route.v3.RetryPolicy",
        "envoy.config.route.v3.RetryPolicy.RetryBackOff",
        "envoy.config.route.v3.CorsPolicy",
        "envoy.type.matcher.v3.RegexMatcher",
        "envoy.type.matcher.v3.RegexMatchAndSubstitute",
        "envoy.type.matcher.v3.StringMatcher",
        "envoy.config.core.v3.HeaderValueOption",
        "envoy.config.core.v3.HeaderValue",
        "envoy.config.core.v3.DataSource",
        "envoy.config.core.v3.TransportSocket",
        "envoy.config.core.v3.RuntimeFractionalPercent",
        "envoy.config.cluster.v3.Cluster",
        "envoy.config.cluster.v3.CircuitBreakers",
        "envoy.config.cluster.v3.CircuitBreakers.Thresholds",
        "envoy.config.cluster.v3.OutlierDetection",
        "envoy.config.core.v3.HealthCheck",
        "envoy.config.core.v3.HealthCheck.HttpHealthCheck",
        "envoy.config.endpoint.v3.ClusterLoadAssignment",
        "envoy.config.endpoint.v3.LocalityLbEndpoints",
        "envoy.config.endpoint.v3.LbEndpoint",
        "envoy.config.endpoint.v3.Endpoint",
        "envoy.config.core.v3.Http1ProtocolOptions",
        "envoy.config.core.v3.Http2ProtocolOptions",
        "envoy.config.core.v3.HttpProtocolOptions",
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig",
        Tls + "UpstreamTlsContext",
        Tls + "DownstreamTlsContext",
        Tls + "CommonTlsContext",
        Tls + "TlsCertificate",
        Tls + "CertificateValidationContext",
        Tls + "TlsParameters",
        "envoy.extensions.filters.http.wasm.v3.Wasm",
        "envoy.extensions.filters.http.health_check.v3.HealthCheck",
        "envoy.type.v3.Percent",
        "envoy.extensions.wasm.v3.PluginConfig",
        "envoy.extensions.wasm.v3.VmConfig",
        "envoy.config.core.v3.AsyncDataSource",
        "envoy.config.core.v3.RemoteDataSource",
        "envoy.config.accesslog.v3.AccessLog",
        "envoy.config.accesslog.v3.AccessLogFilter",
        "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog",
        "envoy.extensions.access_loggers.stream.v3.StderrAccessLog",
        "envoy.extensions.access_loggers.file.v3.FileAccessLog",
        "envoy.config.core.v3.SubstitutionFormatString",
        "envoy.config.core.v3.TypedExtensionConfig",
        "envoy.config.bootstrap.v3.LayeredRuntime",
        "envoy.config.bootstrap.v3.RuntimeLayer",
        "envoy.config.listener.v3.ListenerFilter",
        "envoy.config.core.v3.CidrRange",
        "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
        "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster",
        "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight",
        "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector",
        "envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol",
        "envoy.extensions.filters.listener.original_dst.v3.OriginalDst",
        "envoy.extensions.filters.network.direct_response.v3.Config",
    ];

    public static TheoryData<string> RequiredMessages => new(Required);

    [Theory]
    [MemberData(nameof(RequiredMessages))]
    public void Every_required_message_is_known_and_has_fields(string messageType)
    {
        Assert.True(EnvoyFieldCatalog.Knows(messageType));
        Assert.True(EnvoyFieldCatalog.TryGetFields(messageType, out var fields));
        Assert.NotEmpty(fields);
    }

    [Fact]
    public void Catalog_holds_every_required_message()
    {
        var missing = Required.Where(t => !EnvoyFieldCatalog.Knows(t)).ToArray();
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("envoy.config.listener.v3.Listener", "fcds_config")]
    [InlineData(Hcm + "HttpConnectionManager", "stream_flush_timeout")]
    [InlineData(Hcm + "HttpConnectionManager", "drain_timeout_jitter")]
    public void Current_envoy_fields_are_known(string messageType, string field) =>
        Assert.True(EnvoyFieldCatalog.HasField(messageType, field));

    [Fact]
    public void Each_field_knows_its_type()
    {
        Assert.True(EnvoyFieldCatalog.TryGetField("envoy.config.core.v3.SocketAddress", "port_value", out var port));
        Assert.Equal("uint32", port!.Type);
        Assert.True(EnvoyFieldCatalog.TryGetField("envoy.config.listener.v3.Listener", "filter_chains", out var chains));
        Assert.Equal("envoy.config.listener.v3.FilterChain", chains!.Type);
        Assert.True(chains.IsRepeated);
        Assert.True(EnvoyFieldCatalog.TryGetField("envoy.config.cluster.v3.Cluster", "lb_policy", out var lb));
        Assert.True(lb!.IsEnum);
        Assert.True(EnvoyFieldCatalog.IsInert("envoy.config.listener.v3.Listener", "traffic_direction"));
        Assert.False(EnvoyFieldCatalog.IsInert("envoy.config.listener.v3.Listener", "address"));
    }

    [Theory]
    [InlineData("load_assignment")]
    [InlineData("connect_timeout")]
    [InlineData("typed_extension_protocol_options")]
    [InlineData("name")]
    [InlineData("type")]                          // oneof cluster_discovery_type
    [InlineData("cluster_type")]                  // oneof cluster_discovery_type
    [InlineData("lb_policy")]
    [InlineData("health_checks")]
    [InlineData("circuit_breakers")]
    [InlineData("outlier_detection")]
    [InlineData("transport_socket")]
    [InlineData("http2_protocol_options")]        // deprecated, still in v3
    [InlineData("max_requests_per_connection")]   // deprecated, still in v3
    [InlineData("ring_hash_lb_config")]           // oneof lb_config
    [InlineData("round_robin_lb_config")]         // oneof lb_config
    public void Cluster_has_field(string field) =>
        Assert.True(EnvoyFieldCatalog.HasField("envoy.config.cluster.v3.Cluster", field));

    [Theory]
    [InlineData("hosts")]                         // v2, reserved in v3
    [InlineData("tls_context")]                   // v2, reserved in v3
    [InlineData("extension_protocol_options")]    // v2, reserved in v3
    [InlineData("connectTimeout")]                // camelCase is not the catalog's spelling
    [InlineData("conect_timeout")]                // typo
    public void Cluster_lacks_field(string field) =>
        Assert.False(EnvoyFieldCatalog.HasField("envoy.config.cluster.v3.Cluster", field));

    [Theory]
    [InlineData("prefix")]
    [InlineData("path")]
    [InlineData("safe_regex")]
    [InlineData("path_separated_prefix")]
    [InlineData("connect_matcher")]
    [InlineData("path_match_policy")]
    [InlineData("case_sensitive")]
    [InlineData("headers")]
    [InlineData("query_parameters")]
    [InlineData("runtime_fraction")]
    [InlineData("grpc")]
    [InlineData("tls_context")]
    public void RouteMatch_has_field(string field) =>
        Assert.True(EnvoyFieldCatalog.HasField("envoy.config.route.v3.RouteMatch", field));

    [Theory]
    [InlineData("regex")]                          // v2 RouteMatch.regex, removed in v3
    [InlineData("prefx")]
    public void RouteMatch_lacks_field(string field) =>
        Assert.False(EnvoyFieldCatalog.HasField("envoy.config.route.v3.RouteMatch", field));

    [Theory]
    [InlineData("envoy.config.route.v3.RouteAction", "cluster")]
    [InlineData("envoy.config.route.v3.RouteAction", "weighted_clusters")]
    [InlineData("envoy.config.route.v3.RouteAction", "host_rewrite_literal")]
    [InlineData("envoy.config.route.v3.RouteAction", "request_mirror_policies")]
    [InlineData("envoy.config.route.v3.Route", "direct_response")]
    [InlineData("envoy.config.route.v3.Route", "typed_per_filter_config")]
    [InlineData("envoy.config.route.v3.HeaderMatcher", "string_match")]
    [InlineData("envoy.config.route.v3.HeaderMatcher", "exact_match")]
    [InlineData("envoy.config.core.v3.SocketAddress", "port_value")]
    [InlineData("envoy.config.core.v3.SocketAddress", "named_port")]
    [InlineData("envoy.config.core.v3.Address", "pipe")]
    [InlineData("envoy.config.core.v3.DataSource", "inline_string")]
    [InlineData("envoy.config.core.v3.HeaderValueOption", "append_action")]
    [InlineData("envoy.config.core.v3.HealthCheck", "http_health_check")]
    [InlineData("envoy.config.endpoint.v3.LbEndpoint", "endpoint")]
    [InlineData("envoy.config.bootstrap.v3.Bootstrap", "static_resources")]
    [InlineData("envoy.config.bootstrap.v3.Bootstrap", "layered_runtime")]
    [InlineData("envoy.config.bootstrap.v3.RuntimeLayer", "static_layer")]
    [InlineData("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", "route_config")]
    [InlineData("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", "http_filters")]
    [InlineData("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", "sni")]
    [InlineData("envoy.extensions.access_loggers.file.v3.FileAccessLog", "log_format")]
    [InlineData("envoy.type.matcher.v3.StringMatcher", "ignore_case")]
    public void Message_has_field(string messageType, string field) =>
        Assert.True(EnvoyFieldCatalog.HasField(messageType, field));

    [Theory]
    [InlineData("envoy.config.bootstrap.v3.Bootstrap", "runtime")]             // reserved in v3
    [InlineData("envoy.config.core.v3.TransportSocket", "config")]             // reserved in v3
    [InlineData("envoy.config.core.v3.HealthCheck.HttpHealthCheck", "use_http2")] // reserved in v3
    [InlineData("envoy.type.matcher.v3.StringMatcher", "regex")]               // reserved in v3
    public void Reserved_v2_names_are_not_fields(string messageType, string field) =>
        Assert.False(EnvoyFieldCatalog.HasField(messageType, field));

    [Fact]
    public void Unknown_type_is_not_known_and_has_no_fields()
    {
        const string type = "envoy.config.cluster.v3.NoSuchMessage";
        Assert.False(EnvoyFieldCatalog.Knows(type));
        Assert.False(EnvoyFieldCatalog.HasField(type, "name"));
        Assert.False(EnvoyFieldCatalog.TryGetFields(type, out var fields));
        Assert.Empty(fields);
    }

    [Fact]
    public void Lookups_are_case_sensitive_on_type_and_field()
    {
        Assert.False(EnvoyFieldCatalog.Knows("Envoy.Config.Cluster.V3.Cluster"));
        Assert.False(EnvoyFieldCatalog.HasField("envoy.config.cluster.v3.Cluster", "Load_Assignment"));
    }

    [Fact]
    public void All_field_names_are_snake_case()
    {
        foreach (var type in EnvoyFieldCatalog.MessageTypes)
        {
            Assert.True(EnvoyFieldCatalog.TryGetFields(type, out var fields));
            foreach (var f in fields)
            {
                Assert.Matches("^[a-z][a-z0-9_]*$", f);
            }
        }
    }
}
