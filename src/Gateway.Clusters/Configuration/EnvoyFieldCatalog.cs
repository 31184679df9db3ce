
namespace Gateway.Clusters.Configuration;

/// <summary>
/// Field names (snake_case, as written in YAML) of the Envoy v3 proto messages the config loader walks.
/// Lets the loader tell a field Envoy does not have at all ("has unknown fields") from a field Envoy
/// has but this gateway does not implement ("unsupported").
/// </summary>
/// <remarks>
/// <para>
/// Copied from envoyproxy/envoy <c>api/**/*.proto</c> as stored in a code index (read 2025; the stored
/// file versions differ per file, e.g. cluster.proto @6b35b269, bootstrap.proto @001d5f66,
/// address.proto @03281554, base.proto @0035e40b, health_check.proto @0366c98a,
/// endpoint(_components).proto @051dd552, circuit_breaker.proto @01c2c1fa,
/// outlier_detection.proto @1282f875, string.proto @00ecb000, regex.proto @18595f07,
/// http_protocol_options.proto @061b6e52, substitution_format_string.proto @01f8613d,
/// stream.proto @170a3702, wasm.proto @0573d68e). Some stored versions are older than current
/// Envoy; fields added later are appended from memory and marked "newer, from memory".
/// Messages whose proto could not be read in the time available are marked "from memory".
/// </para>
/// <para>
/// Every member of every oneof is listed. Deprecated fields that still exist in the v3 proto are
/// listed (Envoy still accepts them). Names that are only <c>reserved</c> in v3 (v2 leftovers such as
/// Cluster <c>hosts</c>, <c>tls_context</c>, <c>extension_protocol_options</c>) are NOT listed.
/// </para>
/// </remarks>
public static class EnvoyFieldCatalog
{
    // Plain hash sets: the catalog is read only while a config loads, and Frozen collections cost a
    // cold start several milliseconds to build for no gain there.
    private static readonly Dictionary<string, HashSet<string>> Catalog = Build();

    private static readonly HashSet<string> NoFields = new(StringComparer.Ordinal);

    /// <summary>Gets every field name of <paramref name="messageType"/> (full proto name).</summary>
    public static bool TryGetFields(string messageType, out IReadOnlySet<string> fields)
    {
        if (messageType is not null && Catalog.TryGetValue(messageType, out var found))
        {
            fields = found;
            return true;
        }

        fields = NoFields;
        return false;
    }

    /// <summary>True when Envoy's <paramref name="messageType"/> has <paramref name="field"/>; false when the type is unknown.</summary>
    public static bool HasField(string messageType, string field) =>
        field is not null && TryGetFields(messageType, out var fields) && fields.Contains(field);

    /// <summary>True when the catalog has the field list of <paramref name="messageType"/>.</summary>
    public static bool Knows(string messageType) => messageType is not null && Catalog.ContainsKey(messageType);

    /// <summary>Every message type in the catalog.</summary>
    public static IEnumerable<string> MessageTypes => Catalog.Keys;

    private const string Hcm = "envoy.extensions.filters.network.http_connection_manager.v3.";
    private const string Tls = "envoy.extensions.transport_sockets.tls.v3.";

    private static Dictionary<string, HashSet<string>> Build()
    {
        var d = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            // ---------------- api/envoy/config/bootstrap/v3/bootstrap.proto ----------------
            // Read @001d5f66 ("runtime" is reserved). Newer, from memory: deferred_stat_options,
            // dns_resolution_config, typed_dns_resolver_config, inline_headers, perf_tracing_file_path,
            // default_regex_engine, xds_delegate_extension, xds_config_tracker_extension, listener_manager,
            // application_log_config, grpc_async_client_manager_config, memory_allocator_manager.
            ["envoy.config.bootstrap.v3.Bootstrap"] =
            [
                "node", "node_context_params", "static_resources", "dynamic_resources", "cluster_manager",
                "hds_config", "flags_path", "stats_sinks", "deferred_stat_options", "stats_config",
                "stats_flush_interval", "stats_flush_on_admin", "watchdog", "watchdogs", "tracing",
                "layered_runtime", "admin", "overload_manager", "enable_dispatcher_stats", "header_prefix",
                "stats_server_version_override", "use_tcp_for_dns_lookups", "dns_resolution_config",
                "typed_dns_resolver_config", "bootstrap_extensions", "fatal_actions", "config_sources",
                "default_config_source", "default_socket_interface", "certificate_provider_instances",
                "inline_headers", "perf_tracing_file_path", "default_regex_engine", "xds_delegate_extension",
                "xds_config_tracker_extension", "listener_manager", "application_log_config",
                "grpc_async_client_manager_config", "memory_allocator_manager",
            ],
            // bootstrap.proto (read)
            ["envoy.config.bootstrap.v3.Bootstrap.StaticResources"] = ["listeners", "clusters", "secrets"],
            // bootstrap.proto (read; newer, from memory: ignore_global_conn_limit)
            ["envoy.config.bootstrap.v3.Admin"] =
            [
                "access_log", "access_log_path", "profile_path", "address", "socket_options",
                "ignore_global_conn_limit",
            ],
            // bootstrap.proto — from memory (past the part of the file that was read)
            ["envoy.config.bootstrap.v3.LayeredRuntime"] = ["layers"],
            // bootstrap.proto — from memory; oneof layer_specifier
            ["envoy.config.bootstrap.v3.RuntimeLayer"] =
                ["name", "static_layer", "disk_layer", "admin_layer", "rtds_layer"],

            // ---------------- api/envoy/config/core/v3/address.proto (read @03281554) ----------------
            // oneof address
            ["envoy.config.core.v3.Address"] = ["socket_address", "pipe", "envoy_internal_address"],
            // oneof port_specifier: port_value | named_port
            ["envoy.config.core.v3.SocketAddress"] =
            [
                "protocol", "address", "port_value", "named_port", "resolver_name", "ipv4_compat",
                "network_namespace_filepath",
            ],
            ["envoy.config.core.v3.Pipe"] = ["path", "mode"],

            // ---------------- api/envoy/config/listener/v3/listener.proto — from memory ----------------
            // oneof listener_specifier: internal_listener. deprecated: deprecated_v1, reuse_port.
            ["envoy.config.listener.v3.Listener"] =
            [
                "name", "address", "additional_addresses", "stat_prefix", "filter_chains",
                "filter_chain_matcher", "use_original_dst", "default_filter_chain",
                "per_connection_buffer_limit_bytes", "metadata", "deprecated_v1", "drain_type",
                "listener_filters", "listener_filters_timeout", "continue_on_listener_filters_timeout",
                "transparent", "freebind", "socket_options", "tcp_fast_open_queue_length",
                "traffic_direction", "udp_listener_config", "api_listener", "connection_balance_config",
                "reuse_port", "enable_reuse_port", "access_log", "tcp_backlog_size",
                "max_connections_to_accept_per_socket_event", "bind_to_port", "internal_listener",
                "enable_mptcp", "ignore_global_conn_limit", "bypass_overload_manager",
            ],

            // ---------------- api/envoy/config/listener/v3/listener_components.proto — from memory ----------------
            // use_proxy_proto is deprecated; on_demand_configuration is not-implemented-hide.
            ["envoy.config.listener.v3.FilterChain"] =
            [
                "filter_chain_match", "filters", "use_proxy_proto", "metadata", "transport_socket",
                "transport_socket_connect_timeout", "name", "on_demand_configuration",
            ],
            ["envoy.config.listener.v3.FilterChainMatch"] =
            [
                "destination_port", "prefix_ranges", "address_suffix", "suffix_len",
                "direct_source_prefix_ranges", "source_type", "source_prefix_ranges", "source_ports",
                "server_names", "transport_protocol", "application_protocols",
            ],
            // oneof config_type: typed_config | config_discovery
            ["envoy.config.listener.v3.Filter"] = ["name", "typed_config", "config_discovery"],
            // oneof config_type: typed_config | config_discovery (listener_components.proto, from memory).
            ["envoy.config.listener.v3.ListenerFilter"] = ["name", "typed_config", "config_discovery", "filter_disabled"],
            ["envoy.config.core.v3.CidrRange"] = ["address_prefix", "prefix_len"],

            // ---------------- network/tcp_proxy/v3/tcp_proxy.proto (read @02a5feed) ----------------
            // oneof cluster_specifier: cluster | weighted_clusters. deprecated: access_log_flush_interval,
            // flush_access_log_on_connected. downstream_idle_timeout/upstream_idle_timeout are not-implemented-hide.
            ["envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"] =
            [
                "stat_prefix", "cluster", "weighted_clusters", "on_demand", "metadata_match", "idle_timeout",
                "downstream_idle_timeout", "upstream_idle_timeout", "access_log", "max_connect_attempts",
                "backoff_options", "hash_policy", "tunneling_config", "max_downstream_connection_duration",
                "max_downstream_connection_duration_jitter_percentage", "access_log_flush_interval",
                "flush_access_log_on_connected", "access_log_options", "proxy_protocol_tlvs",
            ],
            ["envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster"] = ["clusters"],
            ["envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight"] = ["name", "weight", "metadata_match"],

            // ---------------- listener filters, direct_response — from memory (HttpInspector and Echo have no fields) ----------------
            ["envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"] = ["enable_ja3_fingerprinting", "initial_read_buffer_size"],
            ["envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol"] =
            [
                "rules", "allow_requests_without_proxy_protocol", "pass_through_tlvs", "disallowed_versions", "stat_prefix",
            ],
            ["envoy.extensions.filters.listener.original_dst.v3.OriginalDst"] = ["traffic_direction"],
            ["envoy.extensions.filters.network.direct_response.v3.Config"] = ["response"],

            // ---------------- http_connection_manager/v3/http_connection_manager.proto — from memory ----------------
            // oneof route_specifier: rds | route_config | scoped_routes; oneof strip_port_mode:
            // strip_any_host_port. deprecated: access_log_flush_interval, flush_access_log_on_new_request.
            [Hcm + "HttpConnectionManager"] =
            [
                "codec_type", "stat_prefix", "rds", "route_config", "scoped_routes", "http_filters",
                "add_user_agent", "tracing", "common_http_protocol_options",
                "http1_safe_max_connection_duration", "http_protocol_options", "http2_protocol_options",
                "http3_protocol_options", "server_name", "server_header_transformation",
                "scheme_header_transformation", "max_request_headers_kb", "stream_idle_timeout",
                "request_timeout", "request_headers_timeout", "drain_timeout", "delayed_close_timeout",
                "access_log", "access_log_flush_interval", "flush_access_log_on_new_request",
                "access_log_options", "use_remote_address", "xff_num_trusted_hops",
                "original_ip_detection_extensions", "early_header_mutation_extensions",
                "internal_address_config", "skip_xff_append", "via", "generate_request_id",
                "preserve_external_request_id", "always_set_request_id_in_response",
                "forward_client_cert_details", "set_current_client_cert_details", "proxy_100_continue",
                "represent_ipv4_remote_address_as_ipv4_mapped_ipv6", "upgrade_configs", "normalize_path",
                "merge_slashes", "path_with_escaped_slashes_action", "request_id_extension",
                "local_reply_config", "strip_matching_host_port", "strip_any_host_port",
                "stream_error_on_invalid_http_message", "path_normalization_options",
                "strip_trailing_host_dot", "proxy_status_config", "typed_header_validation_config",
                "append_x_forwarded_port", "append_local_overload", "add_proxy_protocol_connection_state",
            ],
            // from memory
            [Hcm + "HttpConnectionManager.UpgradeConfig"] = ["upgrade_type", "filters", "enabled"],
            // from memory; oneof config_type: typed_config | config_discovery
            [Hcm + "HttpFilter"] = ["name", "typed_config", "config_discovery", "is_optional", "disabled"],

            // ---------------- api/envoy/config/route/v3/route.proto — from memory ----------------
            ["envoy.config.route.v3.RouteConfiguration"] =
            [
                "name", "virtual_hosts", "vhds", "internal_only_headers", "response_headers_to_add",
                "response_headers_to_remove", "request_headers_to_add", "request_headers_to_remove",
                "most_specific_header_mutations_wins", "validate_clusters",
                "max_direct_response_body_size_bytes", "cluster_specifier_plugins",
                "request_mirror_policies", "ignore_port_in_host_matching",
                "ignore_path_parameters_in_path_matching", "typed_per_filter_config", "metadata",
            ],

            // ---------------- api/envoy/config/route/v3/route_components.proto — from memory ----------------
            // cors and per_request_buffer_limit_bytes are deprecated but still present.
            ["envoy.config.route.v3.VirtualHost"] =
            [
                "name", "domains", "routes", "matcher", "require_tls", "virtual_clusters", "rate_limits",
                "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
                "response_headers_to_remove", "cors", "typed_per_filter_config",
                "include_request_attempt_count", "include_attempt_count_in_response", "retry_policy",
                "retry_policy_typed_config", "hedge_policy", "include_is_timeout_retry_header",
                "per_request_buffer_limit_bytes", "request_mirror_policies", "metadata",
            ],
            // oneof action: route | redirect | direct_response | filter_action | non_forwarding_action
            ["envoy.config.route.v3.Route"] =
            [
                "name", "match", "route", "redirect", "direct_response", "filter_action",
                "non_forwarding_action", "metadata", "decorator", "typed_per_filter_config",
                "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
                "response_headers_to_remove", "tracing", "per_request_buffer_limit_bytes", "stat_prefix",
            ],
            // oneof path_specifier: prefix | path | safe_regex | connect_matcher |
            // path_separated_prefix | path_match_policy
            ["envoy.config.route.v3.RouteMatch"] =
            [
                "prefix", "path", "safe_regex", "connect_matcher", "path_separated_prefix",
                "path_match_policy", "case_sensitive", "runtime_fraction", "headers", "query_parameters",
                "grpc", "tls_context", "dynamic_metadata", "filter_state",
            ],
            // oneof cluster_specifier: cluster | cluster_header | weighted_clusters |
            // cluster_specifier_plugin | inline_cluster_specifier_plugin;
            // oneof host_rewrite_specifier: host_rewrite_literal | auto_host_rewrite |
            // host_rewrite_header | host_rewrite_path_regex.
            // deprecated: include_vh_rate_limits, cors, max_grpc_timeout, grpc_timeout_offset,
            // internal_redirect_action, max_internal_redirects.
            ["envoy.config.route.v3.RouteAction"] =
            [
                "cluster", "cluster_header", "weighted_clusters", "cluster_specifier_plugin",
                "inline_cluster_specifier_plugin", "cluster_not_found_response_code", "metadata_match",
                "prefix_rewrite", "regex_rewrite", "path_rewrite_policy", "host_rewrite_literal",
                "auto_host_rewrite", "host_rewrite_header", "host_rewrite_path_regex",
                "append_x_forwarded_host", "timeout", "idle_timeout", "early_data_policy", "retry_policy",
                "retry_policy_typed_config", "request_mirror_policies", "priority", "rate_limits",
                "include_vh_rate_limits", "hash_policy", "cors", "max_grpc_timeout",
                "grpc_timeout_offset", "upgrade_configs", "internal_redirect_policy",
                "internal_redirect_action", "max_internal_redirects", "hedge_policy",
                "max_stream_duration",
            ],
            // from memory
            ["envoy.config.route.v3.RouteAction.RequestMirrorPolicy"] =
            [
                "cluster", "cluster_header", "runtime_fraction", "trace_sampled",
                "disable_shadow_host_suffix_append",
            ],
            // from memory
            ["envoy.config.route.v3.RouteAction.UpgradeConfig"] = ["upgrade_type", "enabled", "connect_config"],
            // from memory; total_weight deprecated; oneof random_value_specifier: header_name
            ["envoy.config.route.v3.WeightedCluster"] =
                ["clusters", "total_weight", "runtime_key_prefix", "header_name", "use_hash_policy"],
            // from memory; oneof host_rewrite_specifier: host_rewrite_literal
            ["envoy.config.route.v3.WeightedCluster.ClusterWeight"] =
            [
                "name", "cluster_header", "weight", "metadata_match", "request_headers_to_add",
                "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove",
                "typed_per_filter_config", "host_rewrite_literal",
            ],
            // from memory
            ["envoy.config.route.v3.DirectResponseAction"] = ["status", "body"],
            // from memory; oneof scheme_rewrite_specifier: https_redirect | scheme_redirect;
            // oneof path_rewrite_specifier: path_redirect | prefix_rewrite | regex_rewrite
            ["envoy.config.route.v3.RedirectAction"] =
            [
                "https_redirect", "scheme_redirect", "host_redirect", "port_redirect", "path_redirect",
                "prefix_rewrite", "regex_rewrite", "response_code", "strip_query",
            ],
            // from memory; oneof header_match_specifier (exact/safe_regex/prefix/suffix/contains
            // *_match are deprecated in favour of string_match but still present)
            ["envoy.config.route.v3.HeaderMatcher"] =
            [
                "name", "exact_match", "safe_regex_match", "range_match", "present_match", "prefix_match",
                "suffix_match", "contains_match", "string_match", "invert_match",
                "treat_missing_header_as_empty",
            ],
            // from memory; oneof query_parameter_match_specifier
            ["envoy.config.route.v3.QueryParameterMatcher"] = ["name", "string_match", "present_match"],
            // from memory
            ["envoy.config.route.v3.RetryPolicy"] =
            [
                "retry_on", "num_retries", "per_try_timeout", "per_try_idle_timeout", "retry_priority",
                "retry_host_predicate", "retry_options_predicates", "host_selection_retry_max_attempts",
                "retriable_status_codes", "retry_back_off", "rate_limited_retry_back_off",
                "retriable_headers", "retriable_request_headers",
            ],
            // from memory
            ["envoy.config.route.v3.RetryPolicy.RetryBackOff"] = ["base_interval", "max_interval"],
            // from memory; oneof enabled_specifier: filter_enabled
            ["envoy.config.route.v3.CorsPolicy"] =
            [
                "allow_origin_string_match", "allow_methods", "allow_headers", "expose_headers", "max_age",
                "allow_credentials", "filter_enabled", "shadow_enabled", "allow_private_network_access",
                "forward_not_matching_preflights",
            ],

            // ---------------- api/envoy/type/matcher/v3/regex.proto (read @18595f07) ----------------
            // oneof engine_type: google_re2
            ["envoy.type.matcher.v3.RegexMatcher"] = ["google_re2", "regex"],
            ["envoy.type.matcher.v3.RegexMatchAndSubstitute"] = ["pattern", "substitution"],

            // ---------------- api/envoy/type/matcher/v3/string.proto (read @00ecb000) ----------------
            // oneof match_pattern: exact | prefix | suffix | safe_regex | contains | custom
            // ("regex" is reserved). Newer, from memory: custom.
            ["envoy.type.matcher.v3.StringMatcher"] =
                ["exact", "prefix", "suffix", "safe_regex", "contains", "custom", "ignore_case"],

            // ---------------- api/envoy/config/core/v3/base.proto (read @0035e40b) ----------------
            // append is deprecated. Newer, from memory: append_action, keep_empty_value.
            ["envoy.config.core.v3.HeaderValueOption"] = ["header", "append", "append_action", "keep_empty_value"],
            // newer, from memory: raw_value
            ["envoy.config.core.v3.HeaderValue"] = ["key", "value", "raw_value"],
            // oneof specifier: filename | inline_bytes | inline_string | environment_variable.
            // Newer, from memory: environment_variable, watched_directory.
            ["envoy.config.core.v3.DataSource"] =
                ["filename", "inline_bytes", "inline_string", "environment_variable", "watched_directory"],
            // oneof config_type: typed_config ("config" is reserved)
            ["envoy.config.core.v3.TransportSocket"] = ["name", "typed_config"],
            ["envoy.config.core.v3.RuntimeFractionalPercent"] = ["default_value", "runtime_key"],
            // oneof specifier: local | remote
            ["envoy.config.core.v3.AsyncDataSource"] = ["local", "remote"],
            ["envoy.config.core.v3.RemoteDataSource"] = ["http_uri", "sha256", "retry_policy"],

            // ---------------- api/envoy/config/core/v3/extension.proto — from memory ----------------
            ["envoy.config.core.v3.TypedExtensionConfig"] = ["name", "typed_config"],

            // ---------------- api/envoy/config/core/v3/substitution_format_string.proto (read @01f8613d) ----------------
            // oneof format: text_format (deprecated) | json_format | text_format_source.
            // Newer, from memory: json_format_options.
            ["envoy.config.core.v3.SubstitutionFormatString"] =
            [
                "text_format", "json_format", "text_format_source", "omit_empty_values", "content_type",
                "formatters", "json_format_options",
            ],

            // ---------------- api/envoy/config/cluster/v3/cluster.proto (read @6b35b269) ----------------
            // reserved (NOT fields): hosts, tls_context, extension_protocol_options.
            // oneof cluster_discovery_type: type | cluster_type;
            // oneof lb_config: ring_hash_lb_config | maglev_lb_config | original_dst_lb_config |
            // least_request_lb_config | round_robin_lb_config.
            // Newer (checked against a 2025 field dump): dns_jitter, lrs_report_endpoint_metrics.
            ["envoy.config.cluster.v3.Cluster"] =
            [
                "transport_socket_matches", "name", "alt_stat_name", "type", "cluster_type",
                "eds_cluster_config", "connect_timeout", "per_connection_buffer_limit_bytes", "lb_policy",
                "load_assignment", "health_checks", "max_requests_per_connection", "circuit_breakers",
                "upstream_http_protocol_options", "common_http_protocol_options", "http_protocol_options",
                "http2_protocol_options", "typed_extension_protocol_options", "dns_refresh_rate",
                "dns_jitter", "dns_failure_refresh_rate", "respect_dns_ttl", "dns_lookup_family",
                "dns_resolvers", "use_tcp_for_dns_lookups", "dns_resolution_config",
                "typed_dns_resolver_config", "wait_for_warm_on_init", "outlier_detection",
                "cleanup_interval", "upstream_bind_config", "lb_subset_config", "ring_hash_lb_config",
                "maglev_lb_config", "original_dst_lb_config", "least_request_lb_config",
                "round_robin_lb_config", "common_lb_config", "transport_socket", "metadata",
                "protocol_selection", "upstream_connection_options",
                "close_connections_on_host_health_failure", "ignore_health_on_host_removal", "filters",
                "load_balancing_policy", "lrs_server", "lrs_report_endpoint_metrics",
                "track_timeout_budgets", "upstream_config", "track_cluster_stats", "preconnect_policy",
                "connection_pool_per_downstream_connection",
            ],

            // ---------------- api/envoy/config/cluster/v3/circuit_breaker.proto (read @01c2c1fa) ----------------
            ["envoy.config.cluster.v3.CircuitBreakers"] = ["thresholds", "per_host_thresholds"],
            ["envoy.config.cluster.v3.CircuitBreakers.Thresholds"] =
            [
                "priority", "max_connections", "max_pending_requests", "max_requests", "max_retries",
                "retry_budget", "track_remaining", "max_connection_pools",
            ],

            // ---------------- api/envoy/config/cluster/v3/outlier_detection.proto (read @1282f875) ----------------
            // monitors is not-implemented-hide. Newer, from memory: always_eject_one_host.
            ["envoy.config.cluster.v3.OutlierDetection"] =
            [
                "consecutive_5xx", "interval", "base_ejection_time", "max_ejection_percent",
                "enforcing_consecutive_5xx", "enforcing_success_rate", "success_rate_minimum_hosts",
                "success_rate_request_volume", "success_rate_stdev_factor", "consecutive_gateway_failure",
                "enforcing_consecutive_gateway_failure", "split_external_local_origin_errors",
                "consecutive_local_origin_failure", "enforcing_consecutive_local_origin_failure",
                "enforcing_local_origin_success_rate", "failure_percentage_threshold",
                "enforcing_failure_percentage", "enforcing_failure_percentage_local_origin",
                "failure_percentage_minimum_hosts", "failure_percentage_request_volume",
                "max_ejection_time", "max_ejection_time_jitter",
                "successful_active_health_check_uneject_host", "monitors", "always_eject_one_host",
            ],

            // ---------------- api/envoy/config/core/v3/health_check.proto (read @0366c98a) ----------------
            // oneof health_checker: http_health_check | tcp_health_check | grpc_health_check |
            // custom_health_check. Newer, from memory: event_logger, always_log_health_check_success.
            ["envoy.config.core.v3.HealthCheck"] =
            [
                "timeout", "interval", "initial_jitter", "interval_jitter", "interval_jitter_percent",
                "unhealthy_threshold", "healthy_threshold", "alt_port", "reuse_connection",
                "http_health_check", "tcp_health_check", "grpc_health_check", "custom_health_check",
                "no_traffic_interval", "no_traffic_healthy_interval", "unhealthy_interval",
                "unhealthy_edge_interval", "healthy_edge_interval", "event_log_path", "event_logger",
                "event_service", "always_log_health_check_failures", "always_log_health_check_success",
                "tls_options", "transport_socket_match_criteria",
            ],
            // reserved (NOT fields): service_name, use_http2. Newer, from memory: response_buffer_size, method.
            ["envoy.config.core.v3.HealthCheck.HttpHealthCheck"] =
            [
                "host", "path", "send", "receive", "response_buffer_size", "request_headers_to_add",
                "request_headers_to_remove", "expected_statuses", "retriable_statuses",
                "codec_client_type", "service_name_matcher", "method",
            ],

            // ---------------- api/envoy/config/endpoint/v3/endpoint.proto (read @051dd552) ----------------
            ["envoy.config.endpoint.v3.ClusterLoadAssignment"] =
                ["cluster_name", "endpoints", "named_endpoints", "policy"],

            // ---------------- api/envoy/config/endpoint/v3/endpoint_components.proto (read @051dd552) ----------------
            // oneof lb_config: load_balancer_endpoints | leds_cluster_locality_config.
            // Newer, from memory: metadata.
            ["envoy.config.endpoint.v3.LocalityLbEndpoints"] =
            [
                "locality", "metadata", "lb_endpoints", "load_balancer_endpoints",
                "leds_cluster_locality_config", "load_balancing_weight", "priority", "proximity",
            ],
            // oneof host_identifier: endpoint | endpoint_name
            ["envoy.config.endpoint.v3.LbEndpoint"] =
                ["endpoint", "endpoint_name", "health_status", "metadata", "load_balancing_weight"],
            // newer, from memory: additional_addresses
            ["envoy.config.endpoint.v3.Endpoint"] =
                ["address", "health_check_config", "hostname", "additional_addresses"],

            // ---------------- api/envoy/config/core/v3/protocol.proto — from memory ----------------
            ["envoy.config.core.v3.Http1ProtocolOptions"] =
            [
                "allow_absolute_url", "accept_http_10", "default_host_for_http_10", "header_key_format",
                "enable_trailers", "allow_chunked_length", "override_stream_error_on_invalid_http_message",
                "send_fully_qualified_url", "use_balsa_parser", "allow_custom_methods",
                "ignore_http_11_upgrade",
            ],
            // from memory; stream_error_on_invalid_http_messaging is deprecated
            ["envoy.config.core.v3.Http2ProtocolOptions"] =
            [
                "hpack_table_size", "max_concurrent_streams", "initial_stream_window_size",
                "initial_connection_window_size", "allow_connect", "allow_metadata", "max_outbound_frames",
                "max_outbound_control_frames", "max_consecutive_inbound_frames_with_empty_payload",
                "max_inbound_priority_frames_per_stream",
                "max_inbound_window_update_frames_per_data_frame_sent",
                "stream_error_on_invalid_http_messaging", "override_stream_error_on_invalid_http_message",
                "custom_settings_parameters", "connection_keepalive", "use_oghttp2_codec",
                "max_metadata_size",
            ],
            // from memory
            ["envoy.config.core.v3.HttpProtocolOptions"] =
            [
                "idle_timeout", "max_connection_duration", "max_headers_count", "max_response_headers_kb",
                "max_stream_duration", "headers_with_underscores_action", "max_requests_per_connection",
            ],

            // ---------------- api/envoy/extensions/upstreams/http/v3/http_protocol_options.proto (read @061b6e52) ----------------
            // oneof upstream_protocol_options: explicit_http_config | use_downstream_protocol_config |
            // auto_config. Newer, from memory: header_validation_config, outlier_detection.
            ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] =
            [
                "common_http_protocol_options", "upstream_http_protocol_options", "explicit_http_config",
                "use_downstream_protocol_config", "auto_config", "http_filters", "header_validation_config",
                "outlier_detection",
            ],
            // oneof protocol_config
            ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig"] =
                ["http_protocol_options", "http2_protocol_options", "http3_protocol_options"],

            // ---------------- api/envoy/extensions/transport_sockets/tls/v3/tls.proto — from memory ----------------
            [Tls + "UpstreamTlsContext"] =
            [
                "common_tls_context", "sni", "auto_host_sni", "auto_sni_san_validation",
                "allow_renegotiation", "max_session_keys", "enforce_rsa_key_usage",
            ],
            // from memory; oneof session_ticket_keys_type: session_ticket_keys |
            // session_ticket_keys_sds_secret_config | disable_stateless_session_resumption
            [Tls + "DownstreamTlsContext"] =
            [
                "common_tls_context", "require_client_certificate", "require_sni", "session_ticket_keys",
                "session_ticket_keys_sds_secret_config", "disable_stateless_session_resumption",
                "disable_stateful_session_resumption", "session_timeout", "ocsp_staple_policy",
                "full_scan_certs_on_sni_mismatch", "prefer_client_ciphers",
            ],
            // from memory; oneof validation_context_type; *_certificate_provider* are deprecated
            [Tls + "CommonTlsContext"] =
            [
                "tls_params", "tls_certificates", "tls_certificate_sds_secret_configs",
                "tls_certificate_provider_instance", "custom_tls_certificate_selector",
                "tls_certificate_certificate_provider", "tls_certificate_certificate_provider_instance",
                "validation_context", "validation_context_sds_secret_config", "combined_validation_context",
                "validation_context_certificate_provider", "validation_context_certificate_provider_instance",
                "alpn_protocols", "custom_handshaker", "key_log",
            ],

            // ---------------- api/envoy/extensions/transport_sockets/tls/v3/common.proto — from memory ----------------
            [Tls + "TlsParameters"] =
            [
                "tls_minimum_protocol_version", "tls_maximum_protocol_version", "cipher_suites",
                "ecdh_curves", "signature_algorithms", "compliance_policies",
            ],
            // from memory
            [Tls + "TlsCertificate"] =
            [
                "certificate_chain", "private_key", "pkcs12", "watched_directory", "private_key_provider",
                "password", "ocsp_staple", "signed_certificate_timestamp",
            ],
            // from memory; match_subject_alt_names is deprecated
            [Tls + "CertificateValidationContext"] =
            [
                "trusted_ca", "ca_certificate_provider_instance", "system_root_certs", "watched_directory",
                "verify_certificate_spki", "verify_certificate_hash", "match_typed_subject_alt_names",
                "match_subject_alt_names", "require_signed_certificate_timestamp", "crl",
                "allow_expired_certificate", "trust_chain_verification", "custom_validator_config",
                "only_verify_leaf_cert_crl", "max_verify_depth",
            ],

            // ---------------- api/envoy/extensions/filters/http/health_check/v3/health_check.proto (read @17496c63) ----------------
            // endpoint (2) is reserved in v3.
            ["envoy.extensions.filters.http.health_check.v3.HealthCheck"] =
                ["pass_through_mode", "cache_time", "cluster_min_healthy_percentages", "headers"],
            ["envoy.type.v3.Percent"] = ["value"],

            // ---------------- api/envoy/extensions/filters/http/wasm/v3/wasm.proto — from memory ----------------
            ["envoy.extensions.filters.http.wasm.v3.Wasm"] = ["config"],

            // ---------------- api/envoy/extensions/wasm/v3/wasm.proto ----------------
            // The stored version (@0573d68e) was a pre-release draft; current lists are from memory.
            // oneof vm: vm_config; fail_open is deprecated.
            ["envoy.extensions.wasm.v3.PluginConfig"] =
            [
                "name", "root_id", "vm_config", "configuration", "fail_open", "failure_policy",
                "reload_config",
            ],
            // from memory (vm_id, runtime, code, configuration, allow_precompiled also in the stored draft)
            ["envoy.extensions.wasm.v3.VmConfig"] =
            [
                "vm_id", "runtime", "code", "configuration", "allow_precompiled", "nack_on_code_cache_miss",
                "environment_variables",
            ],

            // ---------------- api/envoy/config/accesslog/v3/accesslog.proto — from memory ----------------
            // oneof config_type: typed_config ("config" is reserved)
            ["envoy.config.accesslog.v3.AccessLog"] = ["name", "filter", "typed_config"],
            // from memory; oneof filter_specifier
            ["envoy.config.accesslog.v3.AccessLogFilter"] =
            [
                "status_code_filter", "duration_filter", "not_health_check_filter", "traceable_filter",
                "runtime_filter", "and_filter", "or_filter", "header_filter", "response_flag_filter",
                "grpc_status_filter", "extension_filter", "metadata_filter", "log_type_filter",
            ],

            // ---------------- api/envoy/extensions/access_loggers/stream/v3/stream.proto (read @170a3702) ----------------
            // oneof access_log_format: log_format
            ["envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"] = ["log_format"],
            ["envoy.extensions.access_loggers.stream.v3.StderrAccessLog"] = ["log_format"],

            // ---------------- api/envoy/extensions/access_loggers/file/v3/file.proto — from memory ----------------
            // oneof access_log_format: format | json_format | typed_json_format (all deprecated) | log_format
            ["envoy.extensions.access_loggers.file.v3.FileAccessLog"] =
                ["path", "format", "json_format", "typed_json_format", "log_format"],
        };

        return d.ToDictionary(
            static kv => kv.Key,
            static kv => new HashSet<string>(kv.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
