namespace Gateway.Clusters.Configuration;

public static partial class EnvoyFieldCatalog
{
    /// <summary>
    /// The table: a message's full name at the start of a line, then one indented line per field:
    /// <c>name number type [repeated] [newer] [inert]</c>. Types are scalar names, full message names, or
    /// <c>enum:</c> and a full enum name; maps are <c>map&lt;K,V&gt;</c>.
    /// </summary>
    /// <remarks>
    /// Names, numbers and types are those of Envoy's v3 API as published in envoyproxy/data-plane-api
    /// (the api/ tree of Envoy, read at 84e84367, 2026-01-29), for every message the loader reads.
    /// <c>newer</c> marks a field missing from the older API snapshot that the npm package
    /// <c>@grpc/grpc-js-xds</c> ships, against which <c>EnvoyFieldCatalogProtoTests</c> checks this table;
    /// number 0 marks a field added after the read snapshot (named in Envoy 1.39's changelog).
    /// <c>inert</c> marks a field this gateway accepts without acting on it, because nothing a client
    /// can observe depends on it here; the README lists them with the reason.
    /// </remarks>
    private const string Table = """
        envoy.config.accesslog.v3.AccessLog
          name 1 string
          filter 2 envoy.config.accesslog.v3.AccessLogFilter
          typed_config 4 google.protobuf.Any
        envoy.config.accesslog.v3.AccessLogFilter
          status_code_filter 1 envoy.config.accesslog.v3.StatusCodeFilter
          duration_filter 2 envoy.config.accesslog.v3.DurationFilter
          not_health_check_filter 3 envoy.config.accesslog.v3.NotHealthCheckFilter
          traceable_filter 4 envoy.config.accesslog.v3.TraceableFilter
          runtime_filter 5 envoy.config.accesslog.v3.RuntimeFilter
          and_filter 6 envoy.config.accesslog.v3.AndFilter
          or_filter 7 envoy.config.accesslog.v3.OrFilter
          header_filter 8 envoy.config.accesslog.v3.HeaderFilter
          response_flag_filter 9 envoy.config.accesslog.v3.ResponseFlagFilter
          grpc_status_filter 10 envoy.config.accesslog.v3.GrpcStatusFilter
          extension_filter 11 envoy.config.accesslog.v3.ExtensionFilter
          metadata_filter 12 envoy.config.accesslog.v3.MetadataFilter
          log_type_filter 13 envoy.config.accesslog.v3.LogTypeFilter
        envoy.config.bootstrap.v3.Admin
          access_log 5 envoy.config.accesslog.v3.AccessLog repeated
          access_log_path 1 string
          profile_path 2 string
          address 3 envoy.config.core.v3.Address
          socket_options 4 envoy.config.core.v3.SocketOption repeated
          ignore_global_conn_limit 6 bool
          allow_paths 7 envoy.type.matcher.v3.StringMatcher repeated newer
        envoy.config.bootstrap.v3.Bootstrap
          node 1 envoy.config.core.v3.Node
          node_context_params 26 string repeated inert
          static_resources 2 envoy.config.bootstrap.v3.Bootstrap.StaticResources
          dynamic_resources 3 envoy.config.bootstrap.v3.Bootstrap.DynamicResources
          cluster_manager 4 envoy.config.bootstrap.v3.ClusterManager
          hds_config 14 envoy.config.core.v3.ApiConfigSource
          flags_path 5 string
          stats_sinks 6 envoy.config.metrics.v3.StatsSink repeated
          deferred_stat_options 39 envoy.config.bootstrap.v3.Bootstrap.DeferredStatOptions inert
          stats_config 13 envoy.config.metrics.v3.StatsConfig inert
          stats_flush_interval 7 google.protobuf.Duration inert
          stats_flush_on_admin 29 bool inert
          stats_eviction_interval 42 google.protobuf.Duration newer inert
          watchdog 8 envoy.config.bootstrap.v3.Watchdog inert
          watchdogs 27 envoy.config.bootstrap.v3.Watchdogs inert
          tracing 9 envoy.config.trace.v3.Tracing
          layered_runtime 17 envoy.config.bootstrap.v3.LayeredRuntime
          admin 12 envoy.config.bootstrap.v3.Admin
          overload_manager 15 envoy.config.overload.v3.OverloadManager inert
          enable_dispatcher_stats 16 bool inert
          header_prefix 18 string
          stats_server_version_override 19 google.protobuf.UInt64Value inert
          use_tcp_for_dns_lookups 20 bool
          dns_resolution_config 30 envoy.config.core.v3.DnsResolutionConfig
          typed_dns_resolver_config 31 envoy.config.core.v3.TypedExtensionConfig
          bootstrap_extensions 21 envoy.config.core.v3.TypedExtensionConfig repeated
          fatal_actions 28 envoy.config.bootstrap.v3.FatalAction repeated inert
          config_sources 22 envoy.config.core.v3.ConfigSource repeated
          default_config_source 23 envoy.config.core.v3.ConfigSource
          default_socket_interface 24 string
          certificate_provider_instances 25 map<string,envoy.config.core.v3.TypedExtensionConfig>
          inline_headers 32 envoy.config.bootstrap.v3.CustomInlineHeader repeated
          perf_tracing_file_path 33 string inert
          default_regex_engine 34 envoy.config.core.v3.TypedExtensionConfig
          xds_delegate_extension 35 envoy.config.core.v3.TypedExtensionConfig
          xds_config_tracker_extension 36 envoy.config.core.v3.TypedExtensionConfig
          listener_manager 37 envoy.config.core.v3.TypedExtensionConfig
          application_log_config 38 envoy.config.bootstrap.v3.Bootstrap.ApplicationLogConfig inert
          grpc_async_client_manager_config 40 envoy.config.bootstrap.v3.Bootstrap.GrpcAsyncClientManagerConfig
          memory_allocator_manager 41 envoy.config.bootstrap.v3.MemoryAllocatorManager inert
        envoy.config.bootstrap.v3.Bootstrap.StaticResources
          listeners 1 envoy.config.listener.v3.Listener repeated
          clusters 2 envoy.config.cluster.v3.Cluster repeated
          secrets 3 envoy.extensions.transport_sockets.tls.v3.Secret repeated
        envoy.config.bootstrap.v3.LayeredRuntime
          layers 1 envoy.config.bootstrap.v3.RuntimeLayer repeated
        envoy.config.bootstrap.v3.RuntimeLayer
          name 1 string
          static_layer 2 google.protobuf.Struct
          disk_layer 3 envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer
          admin_layer 4 envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer
          rtds_layer 5 envoy.config.bootstrap.v3.RuntimeLayer.RtdsLayer
        envoy.config.cluster.v3.CircuitBreakers
          thresholds 1 envoy.config.cluster.v3.CircuitBreakers.Thresholds repeated
          per_host_thresholds 2 envoy.config.cluster.v3.CircuitBreakers.Thresholds repeated
        envoy.config.cluster.v3.CircuitBreakers.Thresholds
          priority 1 enum:envoy.config.core.v3.RoutingPriority
          max_connections 2 google.protobuf.UInt32Value
          max_pending_requests 3 google.protobuf.UInt32Value
          max_requests 4 google.protobuf.UInt32Value
          max_retries 5 google.protobuf.UInt32Value
          retry_budget 8 envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget
          track_remaining 6 bool inert
          max_connection_pools 7 google.protobuf.UInt32Value
        envoy.config.cluster.v3.Cluster
          transport_socket_matches 43 envoy.config.cluster.v3.Cluster.TransportSocketMatch repeated
          transport_socket_matcher 59 xds.type.matcher.v3.Matcher newer
          name 1 string
          alt_stat_name 28 string inert
          type 2 enum:envoy.config.cluster.v3.Cluster.DiscoveryType
          cluster_type 38 envoy.config.cluster.v3.Cluster.CustomClusterType
          eds_cluster_config 3 envoy.config.cluster.v3.Cluster.EdsClusterConfig
          connect_timeout 4 google.protobuf.Duration
          per_connection_buffer_limit_bytes 5 google.protobuf.UInt32Value inert
          lb_policy 6 enum:envoy.config.cluster.v3.Cluster.LbPolicy
          load_assignment 33 envoy.config.endpoint.v3.ClusterLoadAssignment
          health_checks 8 envoy.config.core.v3.HealthCheck repeated
          max_requests_per_connection 9 google.protobuf.UInt32Value
          circuit_breakers 10 envoy.config.cluster.v3.CircuitBreakers
          upstream_http_protocol_options 46 envoy.config.core.v3.UpstreamHttpProtocolOptions
          common_http_protocol_options 29 envoy.config.core.v3.HttpProtocolOptions
          http_protocol_options 13 envoy.config.core.v3.Http1ProtocolOptions
          http2_protocol_options 14 envoy.config.core.v3.Http2ProtocolOptions
          typed_extension_protocol_options 36 map<string,google.protobuf.Any>
          dns_refresh_rate 16 google.protobuf.Duration
          dns_jitter 58 google.protobuf.Duration newer
          dns_failure_refresh_rate 44 envoy.config.cluster.v3.Cluster.RefreshRate
          respect_dns_ttl 39 bool
          dns_lookup_family 17 enum:envoy.config.cluster.v3.Cluster.DnsLookupFamily
          dns_resolvers 18 envoy.config.core.v3.Address repeated
          use_tcp_for_dns_lookups 45 bool
          dns_resolution_config 53 envoy.config.core.v3.DnsResolutionConfig
          typed_dns_resolver_config 55 envoy.config.core.v3.TypedExtensionConfig
          wait_for_warm_on_init 54 google.protobuf.BoolValue inert
          outlier_detection 19 envoy.config.cluster.v3.OutlierDetection
          cleanup_interval 20 google.protobuf.Duration inert
          upstream_bind_config 21 envoy.config.core.v3.BindConfig
          lb_subset_config 22 envoy.config.cluster.v3.Cluster.LbSubsetConfig
          ring_hash_lb_config 23 envoy.config.cluster.v3.Cluster.RingHashLbConfig
          maglev_lb_config 52 envoy.config.cluster.v3.Cluster.MaglevLbConfig
          original_dst_lb_config 34 envoy.config.cluster.v3.Cluster.OriginalDstLbConfig
          least_request_lb_config 37 envoy.config.cluster.v3.Cluster.LeastRequestLbConfig
          round_robin_lb_config 56 envoy.config.cluster.v3.Cluster.RoundRobinLbConfig
          common_lb_config 27 envoy.config.cluster.v3.Cluster.CommonLbConfig
          transport_socket 24 envoy.config.core.v3.TransportSocket
          metadata 25 envoy.config.core.v3.Metadata inert
          protocol_selection 26 enum:envoy.config.cluster.v3.Cluster.ClusterProtocolSelection
          upstream_connection_options 30 envoy.config.cluster.v3.UpstreamConnectionOptions inert
          close_connections_on_host_health_failure 31 bool
          ignore_health_on_host_removal 32 bool
          filters 40 envoy.config.cluster.v3.Filter repeated
          load_balancing_policy 41 envoy.config.cluster.v3.LoadBalancingPolicy
          lrs_server 42 envoy.config.core.v3.ConfigSource
          lrs_report_endpoint_metrics 57 string repeated
          track_timeout_budgets 47 bool inert
          upstream_config 48 envoy.config.core.v3.TypedExtensionConfig
          track_cluster_stats 49 envoy.config.cluster.v3.TrackClusterStats inert
          preconnect_policy 50 envoy.config.cluster.v3.Cluster.PreconnectPolicy inert
          connection_pool_per_downstream_connection 51 bool
        envoy.config.cluster.v3.OutlierDetection
          consecutive_5xx 1 google.protobuf.UInt32Value
          interval 2 google.protobuf.Duration
          base_ejection_time 3 google.protobuf.Duration
          max_ejection_percent 4 google.protobuf.UInt32Value
          enforcing_consecutive_5xx 5 google.protobuf.UInt32Value
          enforcing_success_rate 6 google.protobuf.UInt32Value
          success_rate_minimum_hosts 7 google.protobuf.UInt32Value
          success_rate_request_volume 8 google.protobuf.UInt32Value
          success_rate_stdev_factor 9 google.protobuf.UInt32Value
          consecutive_gateway_failure 10 google.protobuf.UInt32Value
          enforcing_consecutive_gateway_failure 11 google.protobuf.UInt32Value
          split_external_local_origin_errors 12 bool
          consecutive_local_origin_failure 13 google.protobuf.UInt32Value
          enforcing_consecutive_local_origin_failure 14 google.protobuf.UInt32Value
          enforcing_local_origin_success_rate 15 google.protobuf.UInt32Value
          failure_percentage_threshold 16 google.protobuf.UInt32Value
          enforcing_failure_percentage 17 google.protobuf.UInt32Value
          enforcing_failure_percentage_local_origin 18 google.protobuf.UInt32Value
          failure_percentage_minimum_hosts 19 google.protobuf.UInt32Value
          failure_percentage_request_volume 20 google.protobuf.UInt32Value
          max_ejection_time 21 google.protobuf.Duration
          max_ejection_time_jitter 22 google.protobuf.Duration
          successful_active_health_check_uneject_host 23 google.protobuf.BoolValue
          monitors 24 envoy.config.core.v3.TypedExtensionConfig repeated
          always_eject_one_host 25 google.protobuf.BoolValue
        envoy.config.core.v3.Address
          socket_address 1 envoy.config.core.v3.SocketAddress
          pipe 2 envoy.config.core.v3.Pipe
          envoy_internal_address 3 envoy.config.core.v3.EnvoyInternalAddress
        envoy.config.core.v3.AsyncDataSource
          local 1 envoy.config.core.v3.DataSource
          remote 2 envoy.config.core.v3.RemoteDataSource
        envoy.config.core.v3.DataSource
          filename 1 string
          inline_bytes 2 bytes
          inline_string 3 string
          environment_variable 4 string
          watched_directory 5 envoy.config.core.v3.WatchedDirectory
        envoy.config.core.v3.HeaderValue
          key 1 string
          value 2 string
          raw_value 3 bytes
        envoy.config.core.v3.HeaderValueOption
          header 1 envoy.config.core.v3.HeaderValue
          append 2 google.protobuf.BoolValue
          append_action 3 enum:envoy.config.core.v3.HeaderValueOption.HeaderAppendAction
          keep_empty_value 4 bool
        envoy.config.core.v3.HealthCheck
          timeout 1 google.protobuf.Duration
          interval 2 google.protobuf.Duration
          initial_jitter 20 google.protobuf.Duration
          interval_jitter 3 google.protobuf.Duration
          interval_jitter_percent 18 uint32
          unhealthy_threshold 4 google.protobuf.UInt32Value
          healthy_threshold 5 google.protobuf.UInt32Value
          alt_port 6 google.protobuf.UInt32Value
          reuse_connection 7 google.protobuf.BoolValue
          http_health_check 8 envoy.config.core.v3.HealthCheck.HttpHealthCheck
          tcp_health_check 9 envoy.config.core.v3.HealthCheck.TcpHealthCheck
          grpc_health_check 11 envoy.config.core.v3.HealthCheck.GrpcHealthCheck
          custom_health_check 13 envoy.config.core.v3.HealthCheck.CustomHealthCheck
          no_traffic_interval 12 google.protobuf.Duration inert
          no_traffic_healthy_interval 24 google.protobuf.Duration inert
          unhealthy_interval 14 google.protobuf.Duration
          unhealthy_edge_interval 15 google.protobuf.Duration
          healthy_edge_interval 16 google.protobuf.Duration
          event_log_path 17 string inert
          event_logger 25 envoy.config.core.v3.TypedExtensionConfig repeated inert
          event_service 22 envoy.config.core.v3.EventServiceConfig
          always_log_health_check_failures 19 bool inert
          always_log_health_check_success 26 bool inert
          tls_options 21 envoy.config.core.v3.HealthCheck.TlsOptions
          transport_socket_match_criteria 23 google.protobuf.Struct
        envoy.config.core.v3.HealthCheck.HttpHealthCheck
          host 1 string
          path 2 string
          send 3 envoy.config.core.v3.HealthCheck.Payload
          receive 4 envoy.config.core.v3.HealthCheck.Payload repeated
          response_buffer_size 14 google.protobuf.UInt64Value
          request_headers_to_add 6 envoy.config.core.v3.HeaderValueOption repeated
          request_headers_to_remove 8 string repeated
          expected_statuses 9 envoy.type.v3.Int64Range repeated
          retriable_statuses 12 envoy.type.v3.Int64Range repeated
          codec_client_type 10 enum:envoy.type.v3.CodecClientType
          service_name_matcher 11 envoy.type.matcher.v3.StringMatcher
          method 13 enum:envoy.config.core.v3.RequestMethod
        envoy.config.core.v3.Http1ProtocolOptions
          allow_absolute_url 1 google.protobuf.BoolValue
          accept_http_10 2 bool
          default_host_for_http_10 3 string
          header_key_format 4 envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat
          enable_trailers 5 bool
          allow_chunked_length 6 bool
          override_stream_error_on_invalid_http_message 7 google.protobuf.BoolValue
          send_fully_qualified_url 8 bool
          use_balsa_parser 9 google.protobuf.BoolValue
          allow_custom_methods 10 bool
          ignore_http_11_upgrade 11 envoy.type.matcher.v3.StringMatcher repeated newer
        envoy.config.core.v3.Http2ProtocolOptions
          hpack_table_size 1 google.protobuf.UInt32Value
          max_concurrent_streams 2 google.protobuf.UInt32Value
          initial_stream_window_size 3 google.protobuf.UInt32Value
          initial_connection_window_size 4 google.protobuf.UInt32Value
          allow_connect 5 bool
          allow_metadata 6 bool
          max_outbound_frames 7 google.protobuf.UInt32Value
          max_outbound_control_frames 8 google.protobuf.UInt32Value
          max_consecutive_inbound_frames_with_empty_payload 9 google.protobuf.UInt32Value
          max_inbound_priority_frames_per_stream 10 google.protobuf.UInt32Value
          max_inbound_window_update_frames_per_data_frame_sent 11 google.protobuf.UInt32Value
          stream_error_on_invalid_http_messaging 12 bool
          override_stream_error_on_invalid_http_message 14 google.protobuf.BoolValue
          custom_settings_parameters 13 envoy.config.core.v3.Http2ProtocolOptions.SettingsParameter repeated
          connection_keepalive 15 envoy.config.core.v3.KeepaliveSettings
          use_oghttp2_codec 16 google.protobuf.BoolValue
          max_metadata_size 17 google.protobuf.UInt64Value newer
          enable_huffman_encoding 18 google.protobuf.BoolValue newer
        envoy.config.core.v3.HttpProtocolOptions
          idle_timeout 1 google.protobuf.Duration
          max_connection_duration 3 google.protobuf.Duration
          max_headers_count 2 google.protobuf.UInt32Value
          max_response_headers_kb 7 google.protobuf.UInt32Value newer
          max_stream_duration 4 google.protobuf.Duration
          headers_with_underscores_action 5 enum:envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction
          max_requests_per_connection 6 google.protobuf.UInt32Value
          max_connection_duration_jitter 0 google.protobuf.Duration newer
        envoy.config.core.v3.HttpUri
          uri 1 string
          cluster 2 string
          timeout 3 google.protobuf.Duration
        envoy.config.core.v3.KeepaliveSettings
          interval 1 google.protobuf.Duration
          timeout 2 google.protobuf.Duration
          interval_jitter 3 envoy.type.v3.Percent
          connection_idle_interval 4 google.protobuf.Duration
        envoy.config.core.v3.Node
          id 1 string inert
          cluster 2 string
          metadata 3 google.protobuf.Struct inert
          dynamic_parameters 12 map<string,xds.core.v3.ContextParams> inert
          locality 4 envoy.config.core.v3.Locality inert
          user_agent_name 6 string inert
          user_agent_version 7 string inert
          user_agent_build_version 8 envoy.config.core.v3.BuildVersion inert
          extensions 9 envoy.config.core.v3.Extension repeated inert
          client_features 10 string repeated inert
          listening_addresses 11 envoy.config.core.v3.Address repeated inert
        envoy.config.core.v3.Pipe
          path 1 string
          mode 2 uint32
        envoy.config.core.v3.RemoteDataSource
          http_uri 1 envoy.config.core.v3.HttpUri
          sha256 2 string
          retry_policy 3 envoy.config.core.v3.RetryPolicy
        envoy.config.core.v3.RuntimeFractionalPercent
          default_value 1 envoy.type.v3.FractionalPercent
          runtime_key 2 string
        envoy.config.core.v3.SchemeHeaderTransformation
          scheme_to_overwrite 1 string
          match_upstream 2 bool
        envoy.config.core.v3.SocketAddress
          protocol 1 enum:envoy.config.core.v3.SocketAddress.Protocol
          address 2 string
          port_value 3 uint32
          named_port 4 string
          resolver_name 5 string
          ipv4_compat 6 bool
          network_namespace_filepath 7 string newer
        envoy.config.core.v3.SubstitutionFormatString
          text_format 1 string
          json_format 2 google.protobuf.Struct
          text_format_source 5 envoy.config.core.v3.DataSource
          omit_empty_values 3 bool
          content_type 4 string
          formatters 6 envoy.config.core.v3.TypedExtensionConfig repeated
          json_format_options 7 envoy.config.core.v3.JsonFormatOptions
        envoy.config.core.v3.TransportSocket
          name 1 string
          typed_config 3 google.protobuf.Any
        envoy.config.core.v3.TypedExtensionConfig
          name 1 string
          typed_config 2 google.protobuf.Any
        envoy.config.core.v3.UpstreamHttpProtocolOptions
          auto_sni 1 bool
          auto_san_validation 2 bool
          override_auto_sni_header 3 string
        envoy.config.endpoint.v3.ClusterLoadAssignment
          cluster_name 1 string
          endpoints 2 envoy.config.endpoint.v3.LocalityLbEndpoints repeated
          named_endpoints 5 map<string,envoy.config.endpoint.v3.Endpoint>
          policy 4 envoy.config.endpoint.v3.ClusterLoadAssignment.Policy
        envoy.config.endpoint.v3.ClusterLoadAssignment.Policy
          drop_overloads 2 envoy.config.endpoint.v3.ClusterLoadAssignment.Policy.DropOverload repeated
          overprovisioning_factor 3 google.protobuf.UInt32Value
          endpoint_stale_after 4 google.protobuf.Duration
          weighted_priority_health 6 bool
        envoy.config.endpoint.v3.Endpoint
          address 1 envoy.config.core.v3.Address
          health_check_config 2 envoy.config.endpoint.v3.Endpoint.HealthCheckConfig
          hostname 3 string
          additional_addresses 4 envoy.config.endpoint.v3.Endpoint.AdditionalAddress repeated
        envoy.config.endpoint.v3.Endpoint.HealthCheckConfig
          port_value 1 uint32
          hostname 2 string
          address 3 envoy.config.core.v3.Address
          disable_active_health_check 4 bool
        envoy.config.endpoint.v3.LbEndpoint
          endpoint 1 envoy.config.endpoint.v3.Endpoint
          endpoint_name 5 string
          health_status 2 enum:envoy.config.core.v3.HealthStatus
          metadata 3 envoy.config.core.v3.Metadata
          load_balancing_weight 4 google.protobuf.UInt32Value
        envoy.config.endpoint.v3.LocalityLbEndpoints
          locality 1 envoy.config.core.v3.Locality
          metadata 9 envoy.config.core.v3.Metadata inert
          lb_endpoints 2 envoy.config.endpoint.v3.LbEndpoint repeated
          load_balancer_endpoints 7 envoy.config.endpoint.v3.LocalityLbEndpoints.LbEndpointList
          leds_cluster_locality_config 8 envoy.config.endpoint.v3.LedsClusterLocalityConfig
          load_balancing_weight 3 google.protobuf.UInt32Value
          priority 5 uint32
          proximity 6 google.protobuf.UInt32Value
        envoy.config.listener.v3.Filter
          name 1 string
          typed_config 4 google.protobuf.Any
          config_discovery 5 envoy.config.core.v3.ExtensionConfigSource
        envoy.config.listener.v3.FilterChain
          filter_chain_match 1 envoy.config.listener.v3.FilterChainMatch
          filters 3 envoy.config.listener.v3.Filter repeated
          use_proxy_proto 4 google.protobuf.BoolValue
          metadata 5 envoy.config.core.v3.Metadata inert
          transport_socket 6 envoy.config.core.v3.TransportSocket
          transport_socket_connect_timeout 9 google.protobuf.Duration
          name 7 string inert
        envoy.config.listener.v3.FilterChainMatch
          destination_port 8 google.protobuf.UInt32Value
          prefix_ranges 3 envoy.config.core.v3.CidrRange repeated
          address_suffix 4 string
          suffix_len 5 google.protobuf.UInt32Value
          direct_source_prefix_ranges 13 envoy.config.core.v3.CidrRange repeated
          source_type 12 enum:envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType
          source_prefix_ranges 6 envoy.config.core.v3.CidrRange repeated
          source_ports 7 uint32 repeated
          server_names 11 string repeated
          transport_protocol 9 string
          application_protocols 10 string repeated
        envoy.config.listener.v3.Listener
          name 1 string
          address 2 envoy.config.core.v3.Address
          additional_addresses 33 envoy.config.listener.v3.AdditionalAddress repeated
          stat_prefix 28 string inert
          filter_chains 3 envoy.config.listener.v3.FilterChain repeated
          fcds_config 36 envoy.config.listener.v3.Listener.FcdsConfig newer
          filter_chain_matcher 32 xds.type.matcher.v3.Matcher
          use_original_dst 4 google.protobuf.BoolValue
          default_filter_chain 25 envoy.config.listener.v3.FilterChain
          per_connection_buffer_limit_bytes 5 google.protobuf.UInt32Value inert
          metadata 6 envoy.config.core.v3.Metadata inert
          deprecated_v1 7 envoy.config.listener.v3.Listener.DeprecatedV1
          drain_type 8 enum:envoy.config.listener.v3.Listener.DrainType inert
          listener_filters 9 envoy.config.listener.v3.ListenerFilter repeated
          listener_filters_timeout 15 google.protobuf.Duration
          continue_on_listener_filters_timeout 17 bool
          transparent 10 google.protobuf.BoolValue
          freebind 11 google.protobuf.BoolValue
          socket_options 13 envoy.config.core.v3.SocketOption repeated
          tcp_fast_open_queue_length 12 google.protobuf.UInt32Value inert
          traffic_direction 16 enum:envoy.config.core.v3.TrafficDirection inert
          udp_listener_config 18 envoy.config.listener.v3.UdpListenerConfig
          api_listener 19 envoy.config.listener.v3.ApiListener
          connection_balance_config 20 envoy.config.listener.v3.Listener.ConnectionBalanceConfig inert
          reuse_port 21 bool inert
          enable_reuse_port 29 google.protobuf.BoolValue inert
          access_log 22 envoy.config.accesslog.v3.AccessLog repeated
          tcp_backlog_size 24 google.protobuf.UInt32Value inert
          max_connections_to_accept_per_socket_event 34 google.protobuf.UInt32Value inert
          bind_to_port 26 google.protobuf.BoolValue
          internal_listener 27 envoy.config.listener.v3.Listener.InternalListenerConfig
          enable_mptcp 30 bool
          ignore_global_conn_limit 31 bool inert
          bypass_overload_manager 35 bool inert
          tcp_keepalive 37 envoy.config.core.v3.TcpKeepalive newer
        envoy.config.listener.v3.ListenerFilter
          name 1 string
          typed_config 3 google.protobuf.Any
          config_discovery 5 envoy.config.core.v3.ExtensionConfigSource
          filter_disabled 4 envoy.config.listener.v3.ListenerFilterChainMatchPredicate
        envoy.config.route.v3.CorsPolicy
          allow_origin_string_match 11 envoy.type.matcher.v3.StringMatcher repeated
          allow_methods 2 string
          allow_headers 3 string
          expose_headers 4 string
          max_age 5 string
          allow_credentials 6 google.protobuf.BoolValue
          filter_enabled 9 envoy.config.core.v3.RuntimeFractionalPercent
          shadow_enabled 10 envoy.config.core.v3.RuntimeFractionalPercent
          allow_private_network_access 12 google.protobuf.BoolValue
          forward_not_matching_preflights 13 google.protobuf.BoolValue
        envoy.config.route.v3.DirectResponseAction
          status 1 uint32
          body 2 envoy.config.core.v3.DataSource
          body_format 3 envoy.config.core.v3.SubstitutionFormatString newer
        envoy.config.route.v3.HeaderMatcher
          name 1 string
          exact_match 4 string
          safe_regex_match 11 envoy.type.matcher.v3.RegexMatcher
          range_match 6 envoy.type.v3.Int64Range
          present_match 7 bool
          prefix_match 9 string
          suffix_match 10 string
          contains_match 12 string
          string_match 13 envoy.type.matcher.v3.StringMatcher
          invert_match 8 bool
          treat_missing_header_as_empty 14 bool
        envoy.config.route.v3.QueryParameterMatcher
          name 1 string
          string_match 5 envoy.type.matcher.v3.StringMatcher
          present_match 6 bool
        envoy.config.route.v3.RedirectAction
          https_redirect 4 bool
          scheme_redirect 7 string
          host_redirect 1 string
          port_redirect 8 uint32
          path_redirect 2 string
          prefix_rewrite 5 string
          regex_rewrite 9 envoy.type.matcher.v3.RegexMatchAndSubstitute
          response_code 3 enum:envoy.config.route.v3.RedirectAction.RedirectResponseCode
          strip_query 6 bool
        envoy.config.route.v3.RetryPolicy
          retry_on 1 string
          num_retries 2 google.protobuf.UInt32Value
          per_try_timeout 3 google.protobuf.Duration
          per_try_idle_timeout 13 google.protobuf.Duration
          retry_priority 4 envoy.config.route.v3.RetryPolicy.RetryPriority
          retry_host_predicate 5 envoy.config.route.v3.RetryPolicy.RetryHostPredicate repeated
          retry_options_predicates 12 envoy.config.core.v3.TypedExtensionConfig repeated
          host_selection_retry_max_attempts 6 int64
          retriable_status_codes 7 uint32 repeated
          retry_back_off 8 envoy.config.route.v3.RetryPolicy.RetryBackOff
          rate_limited_retry_back_off 11 envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff
          retriable_headers 9 envoy.config.route.v3.HeaderMatcher repeated
          retriable_request_headers 10 envoy.config.route.v3.HeaderMatcher repeated
        envoy.config.route.v3.RetryPolicy.RetryHostPredicate
          name 1 string
          typed_config 3 google.protobuf.Any
        envoy.config.route.v3.HedgePolicy
          initial_requests 1 google.protobuf.UInt32Value
          additional_request_chance 2 envoy.type.v3.FractionalPercent
          hedge_on_per_try_timeout 3 bool
        envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate
        envoy.extensions.retry.host.omit_canary_hosts.v3.OmitCanaryHostsPredicate
        envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig
          metadata_match 1 envoy.config.core.v3.Metadata
        envoy.config.route.v3.RetryPolicy.RateLimitedRetryBackOff
          reset_headers 1 envoy.config.route.v3.RetryPolicy.ResetHeader repeated
          max_interval 2 google.protobuf.Duration
        envoy.config.route.v3.RetryPolicy.ResetHeader
          name 1 string
          format 2 enum:envoy.config.route.v3.RetryPolicy.ResetHeaderFormat
        envoy.config.route.v3.RetryPolicy.RetryBackOff
          base_interval 1 google.protobuf.Duration
          max_interval 2 google.protobuf.Duration
        envoy.config.route.v3.Route
          name 14 string inert
          match 1 envoy.config.route.v3.RouteMatch
          route 2 envoy.config.route.v3.RouteAction
          redirect 3 envoy.config.route.v3.RedirectAction
          direct_response 7 envoy.config.route.v3.DirectResponseAction
          filter_action 17 envoy.config.route.v3.FilterAction
          non_forwarding_action 18 envoy.config.route.v3.NonForwardingAction
          metadata 4 envoy.config.core.v3.Metadata inert
          decorator 5 envoy.config.route.v3.Decorator
          typed_per_filter_config 13 map<string,google.protobuf.Any>
          request_headers_to_add 9 envoy.config.core.v3.HeaderValueOption repeated
          request_headers_to_remove 12 string repeated
          response_headers_to_add 10 envoy.config.core.v3.HeaderValueOption repeated
          response_headers_to_remove 11 string repeated
          tracing 15 envoy.config.route.v3.Tracing
          per_request_buffer_limit_bytes 16 google.protobuf.UInt32Value
          stat_prefix 19 string inert
          request_body_buffer_limit 20 google.protobuf.UInt64Value newer
        envoy.config.route.v3.RouteAction
          cluster 1 string
          cluster_header 2 string
          weighted_clusters 3 envoy.config.route.v3.WeightedCluster
          cluster_specifier_plugin 37 string
          inline_cluster_specifier_plugin 39 envoy.config.route.v3.ClusterSpecifierPlugin
          cluster_not_found_response_code 20 enum:envoy.config.route.v3.RouteAction.ClusterNotFoundResponseCode
          metadata_match 4 envoy.config.core.v3.Metadata
          prefix_rewrite 5 string
          regex_rewrite 32 envoy.type.matcher.v3.RegexMatchAndSubstitute
          path_rewrite_policy 41 envoy.config.core.v3.TypedExtensionConfig
          path_rewrite 45 string newer
          host_rewrite_literal 6 string
          auto_host_rewrite 7 google.protobuf.BoolValue
          host_rewrite_header 29 string
          host_rewrite_path_regex 35 envoy.type.matcher.v3.RegexMatchAndSubstitute
          host_rewrite 44 string newer
          append_x_forwarded_host 38 bool
          timeout 8 google.protobuf.Duration
          idle_timeout 24 google.protobuf.Duration
          flush_timeout 42 google.protobuf.Duration newer
          early_data_policy 40 envoy.config.core.v3.TypedExtensionConfig
          retry_policy 9 envoy.config.route.v3.RetryPolicy
          retry_policy_typed_config 33 google.protobuf.Any
          request_mirror_policies 30 envoy.config.route.v3.RouteAction.RequestMirrorPolicy repeated
          priority 11 enum:envoy.config.core.v3.RoutingPriority
          rate_limits 13 envoy.config.route.v3.RateLimit repeated
          include_vh_rate_limits 14 google.protobuf.BoolValue
          hash_policy 15 envoy.config.route.v3.RouteAction.HashPolicy repeated
          cors 17 envoy.config.route.v3.CorsPolicy
          max_grpc_timeout 23 google.protobuf.Duration
          grpc_timeout_offset 28 google.protobuf.Duration
          upgrade_configs 25 envoy.config.route.v3.RouteAction.UpgradeConfig repeated
          internal_redirect_policy 34 envoy.config.route.v3.InternalRedirectPolicy
          internal_redirect_action 26 enum:envoy.config.route.v3.RouteAction.InternalRedirectAction
          max_internal_redirects 31 google.protobuf.UInt32Value
          hedge_policy 27 envoy.config.route.v3.HedgePolicy
          max_stream_duration 36 envoy.config.route.v3.RouteAction.MaxStreamDuration
        envoy.config.route.v3.RouteAction.MaxStreamDuration
          max_stream_duration 1 google.protobuf.Duration
          grpc_timeout_header_max 2 google.protobuf.Duration
          grpc_timeout_header_offset 3 google.protobuf.Duration
        envoy.config.route.v3.RouteAction.RequestMirrorPolicy
          cluster 1 string
          cluster_header 5 string
          runtime_fraction 3 envoy.config.core.v3.RuntimeFractionalPercent
          trace_sampled 4 google.protobuf.BoolValue
          disable_shadow_host_suffix_append 6 bool
          request_headers_mutations 7 envoy.config.common.mutation_rules.v3.HeaderMutation repeated newer
          host_rewrite_literal 8 string newer
        envoy.config.route.v3.RouteAction.UpgradeConfig
          upgrade_type 1 string
          enabled 2 google.protobuf.BoolValue
          connect_config 3 envoy.config.route.v3.RouteAction.UpgradeConfig.ConnectConfig
        envoy.config.route.v3.RouteConfiguration
          name 1 string
          virtual_hosts 2 envoy.config.route.v3.VirtualHost repeated
          vhds 9 envoy.config.route.v3.Vhds
          internal_only_headers 3 string repeated
          response_headers_to_add 4 envoy.config.core.v3.HeaderValueOption repeated
          response_headers_to_remove 5 string repeated
          request_headers_to_add 6 envoy.config.core.v3.HeaderValueOption repeated
          request_headers_to_remove 8 string repeated
          most_specific_header_mutations_wins 10 bool
          validate_clusters 7 google.protobuf.BoolValue
          max_direct_response_body_size_bytes 11 google.protobuf.UInt32Value
          cluster_specifier_plugins 12 envoy.config.route.v3.ClusterSpecifierPlugin repeated
          request_mirror_policies 13 envoy.config.route.v3.RouteAction.RequestMirrorPolicy repeated
          ignore_port_in_host_matching 14 bool
          vhost_header 18 string newer
          ignore_path_parameters_in_path_matching 15 bool
          typed_per_filter_config 16 map<string,google.protobuf.Any>
          metadata 17 envoy.config.core.v3.Metadata inert
        envoy.config.route.v3.RouteMatch
          prefix 1 string
          path 2 string
          safe_regex 10 envoy.type.matcher.v3.RegexMatcher
          connect_matcher 12 envoy.config.route.v3.RouteMatch.ConnectMatcher
          path_separated_prefix 14 string
          path_match_policy 15 envoy.config.core.v3.TypedExtensionConfig
          case_sensitive 4 google.protobuf.BoolValue
          runtime_fraction 9 envoy.config.core.v3.RuntimeFractionalPercent
          headers 6 envoy.config.route.v3.HeaderMatcher repeated
          query_parameters 7 envoy.config.route.v3.QueryParameterMatcher repeated
          cookies 17 envoy.config.route.v3.CookieMatcher repeated newer
          grpc 8 envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions
          tls_context 11 envoy.config.route.v3.RouteMatch.TlsContextMatchOptions
          dynamic_metadata 13 envoy.type.matcher.v3.MetadataMatcher repeated
          filter_state 16 envoy.type.matcher.v3.FilterStateMatcher repeated newer
        envoy.config.route.v3.RouteMatch.GrpcRouteMatchOptions
        envoy.config.route.v3.VirtualHost
          name 1 string
          domains 2 string repeated
          routes 3 envoy.config.route.v3.Route repeated
          matcher 21 xds.type.matcher.v3.Matcher
          require_tls 4 enum:envoy.config.route.v3.VirtualHost.TlsRequirementType
          virtual_clusters 5 envoy.config.route.v3.VirtualCluster repeated inert
          rate_limits 6 envoy.config.route.v3.RateLimit repeated
          request_headers_to_add 7 envoy.config.core.v3.HeaderValueOption repeated
          request_headers_to_remove 13 string repeated
          response_headers_to_add 10 envoy.config.core.v3.HeaderValueOption repeated
          response_headers_to_remove 11 string repeated
          cors 8 envoy.config.route.v3.CorsPolicy
          typed_per_filter_config 15 map<string,google.protobuf.Any>
          include_request_attempt_count 14 bool
          include_attempt_count_in_response 19 bool
          retry_policy 16 envoy.config.route.v3.RetryPolicy
          retry_policy_typed_config 20 google.protobuf.Any
          hedge_policy 17 envoy.config.route.v3.HedgePolicy
          include_is_timeout_retry_header 23 bool
          per_request_buffer_limit_bytes 18 google.protobuf.UInt32Value
          request_body_buffer_limit 25 google.protobuf.UInt64Value newer
          request_mirror_policies 22 envoy.config.route.v3.RouteAction.RequestMirrorPolicy repeated
          metadata 24 envoy.config.core.v3.Metadata inert
        envoy.config.route.v3.WeightedCluster
          clusters 1 envoy.config.route.v3.WeightedCluster.ClusterWeight repeated
          total_weight 3 google.protobuf.UInt32Value
          runtime_key_prefix 2 string
          header_name 4 string
          use_hash_policy 5 google.protobuf.BoolValue newer
        envoy.config.route.v3.WeightedCluster.ClusterWeight
          name 1 string
          cluster_header 12 string
          weight 2 google.protobuf.UInt32Value
          metadata_match 3 envoy.config.core.v3.Metadata
          request_headers_to_add 4 envoy.config.core.v3.HeaderValueOption repeated
          request_headers_to_remove 9 string repeated
          response_headers_to_add 5 envoy.config.core.v3.HeaderValueOption repeated
          response_headers_to_remove 6 string repeated
          typed_per_filter_config 10 map<string,google.protobuf.Any>
          host_rewrite_literal 11 string
        envoy.extensions.access_loggers.file.v3.FileAccessLog
          path 1 string
          format 2 string
          json_format 3 google.protobuf.Struct
          typed_json_format 4 google.protobuf.Struct
          log_format 5 envoy.config.core.v3.SubstitutionFormatString
        envoy.extensions.access_loggers.stream.v3.StderrAccessLog
          log_format 1 envoy.config.core.v3.SubstitutionFormatString
        envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
          log_format 1 envoy.config.core.v3.SubstitutionFormatString
        envoy.extensions.filters.http.health_check.v3.HealthCheck
          pass_through_mode 1 google.protobuf.BoolValue
          cache_time 3 google.protobuf.Duration
          cluster_min_healthy_percentages 4 map<string,envoy.type.v3.Percent>
          headers 5 envoy.config.route.v3.HeaderMatcher repeated
        envoy.extensions.filters.http.router.v3.Router
          dynamic_stats 1 google.protobuf.BoolValue
          start_child_span 2 bool
          upstream_log 3 envoy.config.accesslog.v3.AccessLog repeated
          upstream_log_options 9 envoy.extensions.filters.http.router.v3.Router.UpstreamAccessLogOptions
          suppress_envoy_headers 4 bool
          strict_check_headers 5 string repeated
          respect_expected_rq_timeout 6 bool
          suppress_grpc_request_failure_code_stats 7 bool
          upstream_http_filters 8 envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter repeated
          reject_connect_request_early_data 10 google.protobuf.BoolValue newer
        envoy.extensions.filters.http.wasm.v3.Wasm
          config 1 envoy.extensions.wasm.v3.PluginConfig
        envoy.extensions.filters.listener.http_inspector.v3.HttpInspector
        envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
          enable_ja3_fingerprinting 1 google.protobuf.BoolValue
          enable_ja4_fingerprinting 3 google.protobuf.BoolValue newer
          initial_read_buffer_size 2 google.protobuf.UInt32Value
          close_connection_on_client_hello_parsing_errors 4 bool newer
          max_client_hello_size 5 google.protobuf.UInt32Value newer
        envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          codec_type 1 enum:envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType
          stat_prefix 2 string
          rds 3 envoy.extensions.filters.network.http_connection_manager.v3.Rds
          route_config 4 envoy.config.route.v3.RouteConfiguration
          scoped_routes 31 envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes
          http_filters 5 envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter repeated
          add_user_agent 6 google.protobuf.BoolValue
          tracing 7 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing
          common_http_protocol_options 35 envoy.config.core.v3.HttpProtocolOptions
          http1_safe_max_connection_duration 58 bool newer
          http_protocol_options 8 envoy.config.core.v3.Http1ProtocolOptions
          http2_protocol_options 9 envoy.config.core.v3.Http2ProtocolOptions
          http3_protocol_options 44 envoy.config.core.v3.Http3ProtocolOptions
          server_name 10 string
          server_header_transformation 34 enum:envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation
          scheme_header_transformation 48 envoy.config.core.v3.SchemeHeaderTransformation
          max_request_headers_kb 29 google.protobuf.UInt32Value
          stream_idle_timeout 24 google.protobuf.Duration
          stream_flush_timeout 59 google.protobuf.Duration newer
          request_timeout 28 google.protobuf.Duration
          request_headers_timeout 41 google.protobuf.Duration
          drain_timeout 12 google.protobuf.Duration
          delayed_close_timeout 26 google.protobuf.Duration
          access_log 13 envoy.config.accesslog.v3.AccessLog repeated
          access_log_flush_interval 54 google.protobuf.Duration
          flush_access_log_on_new_request 55 bool
          access_log_options 56 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.HcmAccessLogOptions
          use_remote_address 14 google.protobuf.BoolValue
          xff_num_trusted_hops 19 uint32
          original_ip_detection_extensions 46 envoy.config.core.v3.TypedExtensionConfig repeated
          early_header_mutation_extensions 52 envoy.config.core.v3.TypedExtensionConfig repeated
          internal_address_config 25 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.InternalAddressConfig
          skip_xff_append 21 bool
          via 22 string
          generate_request_id 15 google.protobuf.BoolValue
          preserve_external_request_id 32 bool
          always_set_request_id_in_response 37 bool
          forward_client_cert_details 16 enum:envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ForwardClientCertDetails
          set_current_client_cert_details 17 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.SetCurrentClientCertDetails
          forward_client_cert_matcher 60 xds.type.matcher.v3.Matcher newer
          proxy_100_continue 18 bool
          represent_ipv4_remote_address_as_ipv4_mapped_ipv6 20 bool
          upgrade_configs 23 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig repeated
          normalize_path 30 google.protobuf.BoolValue
          merge_slashes 33 bool
          path_with_escaped_slashes_action 45 enum:envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction
          request_id_extension 36 envoy.extensions.filters.network.http_connection_manager.v3.RequestIDExtension
          local_reply_config 38 envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig
          strip_matching_host_port 39 bool
          strip_any_host_port 42 bool
          stream_error_on_invalid_http_message 40 google.protobuf.BoolValue
          path_normalization_options 43 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathNormalizationOptions
          strip_trailing_host_dot 47 bool
          proxy_status_config 49 envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ProxyStatusConfig
          typed_header_validation_config 50 envoy.config.core.v3.TypedExtensionConfig
          append_x_forwarded_port 51 bool
          append_local_overload 57 bool
          add_proxy_protocol_connection_state 53 google.protobuf.BoolValue
          forward_proto_config 61 envoy.extensions.filters.network.http_connection_manager.v3.ForwardProtoConfig newer
          drain_timeout_jitter 0 google.protobuf.Duration newer
        envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.UpgradeConfig
          upgrade_type 1 string
          filters 2 envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter repeated
          enabled 3 google.protobuf.BoolValue
        envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter
          name 1 string
          typed_config 4 google.protobuf.Any
          config_discovery 5 envoy.config.core.v3.ExtensionConfigSource
          is_optional 6 bool
          disabled 7 bool
        envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer
        envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext
          trusted_ca 1 envoy.config.core.v3.DataSource
          ca_certificate_provider_instance 13 envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance
          system_root_certs 17 envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.SystemRootCerts
          watched_directory 11 envoy.config.core.v3.WatchedDirectory
          verify_certificate_spki 3 string repeated
          verify_certificate_hash 2 string repeated
          match_typed_subject_alt_names 15 envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher repeated
          match_subject_alt_names 9 envoy.type.matcher.v3.StringMatcher repeated
          require_signed_certificate_timestamp 6 google.protobuf.BoolValue
          crl 7 envoy.config.core.v3.DataSource
          allow_expired_certificate 8 bool
          trust_chain_verification 10 enum:envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.TrustChainVerification
          custom_validator_config 12 envoy.config.core.v3.TypedExtensionConfig
          only_verify_leaf_cert_crl 14 bool
          max_verify_depth 16 google.protobuf.UInt32Value
        envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
          tls_params 1 envoy.extensions.transport_sockets.tls.v3.TlsParameters
          tls_certificates 2 envoy.extensions.transport_sockets.tls.v3.TlsCertificate repeated
          tls_certificate_sds_secret_configs 6 envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig repeated
          tls_certificate_provider_instance 14 envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance
          custom_tls_certificate_selector 16 envoy.config.core.v3.TypedExtensionConfig newer
          tls_certificate_certificate_provider 9 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CertificateProvider
          tls_certificate_certificate_provider_instance 11 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CertificateProviderInstance
          validation_context 3 envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext
          validation_context_sds_secret_config 7 envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig
          combined_validation_context 8 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CombinedCertificateValidationContext
          validation_context_certificate_provider 10 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CertificateProvider
          validation_context_certificate_provider_instance 12 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext.CertificateProviderInstance
          alpn_protocols 4 string repeated
          custom_handshaker 13 envoy.config.core.v3.TypedExtensionConfig
          key_log 15 envoy.extensions.transport_sockets.tls.v3.TlsKeyLog
        envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          common_tls_context 1 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
          require_client_certificate 2 google.protobuf.BoolValue
          require_sni 3 google.protobuf.BoolValue
          session_ticket_keys 4 envoy.extensions.transport_sockets.tls.v3.TlsSessionTicketKeys
          session_ticket_keys_sds_secret_config 5 envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig
          disable_stateless_session_resumption 7 bool
          disable_stateful_session_resumption 10 bool
          session_timeout 6 google.protobuf.Duration
          ocsp_staple_policy 8 enum:envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.OcspStaplePolicy
          full_scan_certs_on_sni_mismatch 9 google.protobuf.BoolValue
          prefer_client_ciphers 11 bool newer
        envoy.extensions.transport_sockets.tls.v3.TlsCertificate
          certificate_chain 1 envoy.config.core.v3.DataSource
          private_key 2 envoy.config.core.v3.DataSource
          pkcs12 8 envoy.config.core.v3.DataSource
          watched_directory 7 envoy.config.core.v3.WatchedDirectory
          private_key_provider 6 envoy.extensions.transport_sockets.tls.v3.PrivateKeyProvider
          password 3 envoy.config.core.v3.DataSource
          ocsp_staple 4 envoy.config.core.v3.DataSource
          signed_certificate_timestamp 5 envoy.config.core.v3.DataSource repeated
        envoy.extensions.transport_sockets.tls.v3.TlsParameters
          tls_minimum_protocol_version 1 enum:envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol
          tls_maximum_protocol_version 2 enum:envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol
          cipher_suites 3 string repeated
          ecdh_curves 4 string repeated
          signature_algorithms 5 string repeated
          compliance_policies 6 enum:envoy.extensions.transport_sockets.tls.v3.TlsParameters.CompliancePolicy repeated newer
        envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
          common_tls_context 1 envoy.extensions.transport_sockets.tls.v3.CommonTlsContext
          sni 2 string
          auto_host_sni 6 bool newer
          auto_sni_san_validation 7 bool newer
          allow_renegotiation 3 bool
          max_session_keys 4 google.protobuf.UInt32Value
          enforce_rsa_key_usage 5 google.protobuf.BoolValue
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          common_http_protocol_options 1 envoy.config.core.v3.HttpProtocolOptions
          upstream_http_protocol_options 2 envoy.config.core.v3.UpstreamHttpProtocolOptions
          explicit_http_config 3 envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig
          use_downstream_protocol_config 4 envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig
          auto_config 5 envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig
          http_filters 6 envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter repeated
          header_validation_config 7 envoy.config.core.v3.TypedExtensionConfig
          outlier_detection 8 envoy.extensions.upstreams.http.v3.HttpProtocolOptions.OutlierDetection newer
          request_mirror_policies 9 envoy.config.route.v3.RouteAction.RequestMirrorPolicy repeated newer
          hash_policy 10 envoy.config.route.v3.RouteAction.HashPolicy repeated newer
          retry_policy 11 envoy.config.route.v3.RetryPolicy newer
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions.AutoHttpConfig
          http_protocol_options 1 envoy.config.core.v3.Http1ProtocolOptions
          http2_protocol_options 2 envoy.config.core.v3.Http2ProtocolOptions
          http3_protocol_options 3 envoy.config.core.v3.Http3ProtocolOptions
          alternate_protocols_cache_options 4 envoy.config.core.v3.AlternateProtocolsCacheOptions
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig
          http_protocol_options 1 envoy.config.core.v3.Http1ProtocolOptions
          http2_protocol_options 2 envoy.config.core.v3.Http2ProtocolOptions
          http3_protocol_options 3 envoy.config.core.v3.Http3ProtocolOptions
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig
          http_protocol_options 1 envoy.config.core.v3.Http1ProtocolOptions
          http2_protocol_options 2 envoy.config.core.v3.Http2ProtocolOptions
          http3_protocol_options 3 envoy.config.core.v3.Http3ProtocolOptions
        envoy.extensions.wasm.v3.PluginConfig
          name 1 string
          root_id 2 string
          vm_config 3 envoy.extensions.wasm.v3.VmConfig
          configuration 4 google.protobuf.Any
          fail_open 5 bool
          failure_policy 7 enum:envoy.extensions.wasm.v3.FailurePolicy newer
          reload_config 8 envoy.extensions.wasm.v3.ReloadConfig newer
          capability_restriction_config 6 envoy.extensions.wasm.v3.CapabilityRestrictionConfig
          allow_on_headers_stop_iteration 9 google.protobuf.BoolValue newer
        envoy.extensions.wasm.v3.VmConfig
          vm_id 1 string
          runtime 2 string
          code 3 envoy.config.core.v3.AsyncDataSource
          configuration 4 google.protobuf.Any
          allow_precompiled 5 bool
          nack_on_code_cache_miss 6 bool
          environment_variables 7 envoy.extensions.wasm.v3.EnvironmentVariables
        envoy.type.matcher.v3.RegexMatchAndSubstitute
          pattern 1 envoy.type.matcher.v3.RegexMatcher
          substitution 2 string
        envoy.type.matcher.v3.RegexMatcher
          google_re2 1 envoy.type.matcher.v3.RegexMatcher.GoogleRE2
          regex 2 string
        envoy.type.matcher.v3.RegexMatcher.GoogleRE2
          max_program_size 1 google.protobuf.UInt32Value
        envoy.type.matcher.v3.StringMatcher
          exact 1 string
          prefix 2 string
          suffix 3 string
          safe_regex 5 envoy.type.matcher.v3.RegexMatcher
          contains 7 string
          custom 8 xds.core.v3.TypedExtensionConfig
          ignore_case 6 bool
        envoy.type.v3.Int64Range
          start 1 int64
          end 2 int64
        envoy.type.v3.Percent
          value 1 double
        envoy.config.accesslog.v3.AndFilter
          filters 1 envoy.config.accesslog.v3.AccessLogFilter repeated
        envoy.config.accesslog.v3.ComparisonFilter
          op 1 enum:envoy.config.accesslog.v3.ComparisonFilter.Op
          value 2 envoy.config.core.v3.RuntimeUInt32
        envoy.config.accesslog.v3.DurationFilter
          comparison 1 envoy.config.accesslog.v3.ComparisonFilter
        envoy.config.accesslog.v3.HeaderFilter
          header 1 envoy.config.route.v3.HeaderMatcher
        envoy.config.accesslog.v3.NotHealthCheckFilter
        envoy.config.accesslog.v3.OrFilter
          filters 2 envoy.config.accesslog.v3.AccessLogFilter repeated
        envoy.config.accesslog.v3.ResponseFlagFilter
          flags 1 string repeated
        envoy.config.accesslog.v3.StatusCodeFilter
          comparison 1 envoy.config.accesslog.v3.ComparisonFilter
        envoy.config.accesslog.v3.TraceableFilter
        envoy.config.bootstrap.v3.RuntimeLayer.AdminLayer
        envoy.config.core.v3.RuntimeFeatureFlag
          default_value 1 google.protobuf.BoolValue
          runtime_key 2 string
        envoy.config.core.v3.RuntimeUInt32
          default_value 2 uint32
          runtime_key 3 string
        envoy.config.route.v3.FilterConfig
          config 1 google.protobuf.Any
          is_optional 2 bool
          disabled 3 bool
        envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig
          mappers 1 envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper repeated
          body_format 2 envoy.config.core.v3.SubstitutionFormatString
        envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper
          filter 1 envoy.config.accesslog.v3.AccessLogFilter
          status_code 2 google.protobuf.UInt32Value
          body 3 envoy.config.core.v3.DataSource
          body_format_override 4 envoy.config.core.v3.SubstitutionFormatString
          headers_to_add 5 envoy.config.core.v3.HeaderValueOption repeated
        envoy.type.v3.FractionalPercent
          numerator 1 uint32
          denominator 2 enum:envoy.type.v3.FractionalPercent.DenominatorType
        envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer
          symlink_root 1 string
          subdirectory 3 string
          append_service_cluster 2 bool
        envoy.extensions.filters.common.fault.v3.FaultDelay
          fixed_delay 3 google.protobuf.Duration
          header_delay 5 envoy.extensions.filters.common.fault.v3.FaultDelay.HeaderDelay
          percentage 4 envoy.type.v3.FractionalPercent
        envoy.extensions.filters.common.fault.v3.FaultDelay.HeaderDelay
        envoy.extensions.filters.http.cors.v3.Cors
        envoy.extensions.filters.http.cors.v3.CorsPolicy
          allow_origin_string_match 1 envoy.type.matcher.v3.StringMatcher repeated
          allow_methods 2 string
          allow_headers 3 string
          expose_headers 4 string
          max_age 5 string
          allow_credentials 6 google.protobuf.BoolValue
          filter_enabled 7 envoy.config.core.v3.RuntimeFractionalPercent
          shadow_enabled 8 envoy.config.core.v3.RuntimeFractionalPercent
          allow_private_network_access 9 google.protobuf.BoolValue
          forward_not_matching_preflights 10 google.protobuf.BoolValue
        envoy.extensions.filters.http.fault.v3.FaultAbort
          http_status 2 uint32
          grpc_status 5 uint32
          header_abort 4 envoy.extensions.filters.http.fault.v3.FaultAbort.HeaderAbort
          percentage 3 envoy.type.v3.FractionalPercent
        envoy.extensions.filters.http.fault.v3.FaultAbort.HeaderAbort
        envoy.extensions.filters.http.fault.v3.HTTPFault
          delay 1 envoy.extensions.filters.common.fault.v3.FaultDelay
          abort 2 envoy.extensions.filters.http.fault.v3.FaultAbort
          upstream_cluster 3 string
          headers 4 envoy.config.route.v3.HeaderMatcher repeated
          downstream_nodes 5 string repeated
          max_active_faults 6 google.protobuf.UInt32Value
          response_rate_limit 7 envoy.extensions.filters.common.fault.v3.FaultRateLimit
          delay_percent_runtime 8 string
          abort_percent_runtime 9 string
          delay_duration_runtime 10 string
          abort_http_status_runtime 11 string
          max_active_faults_runtime 12 string
          response_rate_limit_percent_runtime 13 string
          abort_grpc_status_runtime 14 string
          disable_downstream_cluster_stats 15 bool
          filter_metadata 16 google.protobuf.Struct
        envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
          stat_prefix 1 string
          status 2 envoy.type.v3.HttpStatus
          token_bucket 3 envoy.type.v3.TokenBucket
          filter_enabled 4 envoy.config.core.v3.RuntimeFractionalPercent
          filter_enforced 5 envoy.config.core.v3.RuntimeFractionalPercent
          request_headers_to_add_when_not_enforced 10 envoy.config.core.v3.HeaderValueOption repeated
          response_headers_to_add 6 envoy.config.core.v3.HeaderValueOption repeated
          descriptors 8 envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor repeated
          stage 9 uint32
          local_rate_limit_per_downstream_connection 11 bool
          local_cluster_rate_limit 16 envoy.extensions.common.ratelimit.v3.LocalClusterRateLimit
          enable_x_ratelimit_headers 12 enum:envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion
          vh_rate_limits 13 enum:envoy.extensions.common.ratelimit.v3.VhRateLimitsOptions
          always_consume_default_token_bucket 14 google.protobuf.BoolValue
          rate_limited_as_resource_exhausted 15 bool
          rate_limits 17 envoy.config.route.v3.RateLimit repeated newer
          max_dynamic_descriptors 18 google.protobuf.UInt32Value newer
        envoy.type.v3.HttpStatus
          code 1 enum:envoy.type.v3.StatusCode
        envoy.type.v3.TokenBucket
          max_tokens 1 uint32
          tokens_per_fill 2 google.protobuf.UInt32Value
          fill_interval 3 google.protobuf.Duration
        envoy.config.core.v3.CidrRange
          address_prefix 1 string
          prefix_len 2 google.protobuf.UInt32Value
        envoy.extensions.filters.listener.original_dst.v3.OriginalDst
          traffic_direction 0 enum:envoy.config.core.v3.TrafficDirection newer
        envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol
          rules 1 envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol.Rule repeated
          allow_requests_without_proxy_protocol 2 bool
          pass_through_tlvs 3 envoy.config.core.v3.ProxyProtocolPassThroughTLVs
          disallowed_versions 4 enum:envoy.config.core.v3.ProxyProtocolConfig.Version repeated
          stat_prefix 5 string
        envoy.extensions.filters.network.direct_response.v3.Config
          response 1 envoy.config.core.v3.DataSource
        envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix 1 string
          cluster 2 string
          weighted_clusters 10 envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster
          on_demand 14 envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.OnDemand
          metadata_match 9 envoy.config.core.v3.Metadata
          idle_timeout 8 google.protobuf.Duration
          downstream_idle_timeout 3 google.protobuf.Duration
          upstream_idle_timeout 4 google.protobuf.Duration
          access_log 5 envoy.config.accesslog.v3.AccessLog repeated
          max_connect_attempts 7 google.protobuf.UInt32Value
          hash_policy 11 envoy.type.v3.HashPolicy repeated
          tunneling_config 12 envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.TunnelingConfig
          max_downstream_connection_duration 13 google.protobuf.Duration
          access_log_flush_interval 15 google.protobuf.Duration
          flush_access_log_on_connected 16 bool
          access_log_options 17 envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.TcpAccessLogOptions
          backoff_options 0 envoy.config.core.v3.BackoffStrategy newer
          max_downstream_connection_duration_jitter_percentage 0 envoy.type.v3.Percent newer
          proxy_protocol_tlvs 0 envoy.config.core.v3.TlvEntry repeated newer
        envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster
          clusters 1 envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight repeated
        envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.WeightedCluster.ClusterWeight
          name 1 string
          weight 2 uint32
          metadata_match 3 envoy.config.core.v3.Metadata
        envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing
          client_sampling 3 envoy.type.v3.Percent
          random_sampling 4 envoy.type.v3.Percent
          overall_sampling 5 envoy.type.v3.Percent
          verbose 6 bool
          max_path_tag_length 7 google.protobuf.UInt32Value
          custom_tags 8 envoy.type.tracing.v3.CustomTag repeated
          provider 9 envoy.config.trace.v3.Tracing.Http
          spawn_upstream_span 10 google.protobuf.BoolValue
        envoy.config.trace.v3.Tracing.Http
          name 1 string
          typed_config 3 google.protobuf.Any
        envoy.config.trace.v3.OpenTelemetryConfig
          grpc_service 1 envoy.config.core.v3.GrpcService
          http_service 3 envoy.config.core.v3.HttpService
          service_name 2 string
          resource_detectors 4 envoy.config.core.v3.TypedExtensionConfig repeated
          sampler 5 envoy.config.core.v3.TypedExtensionConfig
        envoy.config.trace.v3.ZipkinConfig
          collector_cluster 1 string
          collector_endpoint 2 string
          trace_id_128bit 3 bool
          shared_span_context 4 google.protobuf.BoolValue
          collector_endpoint_version 5 enum:envoy.config.trace.v3.ZipkinConfig.CollectorEndpointVersion
          collector_hostname 6 string
          split_spans_for_request 7 bool
        envoy.type.tracing.v3.CustomTag
          tag 1 string
          literal 2 envoy.type.tracing.v3.CustomTag.Literal
          environment 3 envoy.type.tracing.v3.CustomTag.Environment
          request_header 4 envoy.type.tracing.v3.CustomTag.Header
          metadata 5 envoy.type.tracing.v3.CustomTag.Metadata
        envoy.type.tracing.v3.CustomTag.Literal
          value 1 string
        envoy.type.tracing.v3.CustomTag.Environment
          name 1 string
          default_value 2 string
        envoy.type.tracing.v3.CustomTag.Header
          name 1 string
          default_value 2 string
        envoy.config.route.v3.Decorator
          operation 1 string
          propagate 2 google.protobuf.BoolValue
        envoy.config.core.v3.GrpcService
          envoy_grpc 1 envoy.config.core.v3.GrpcService.EnvoyGrpc
          google_grpc 2 envoy.config.core.v3.GrpcService.GoogleGrpc
          timeout 3 google.protobuf.Duration
          initial_metadata 5 envoy.config.core.v3.HeaderValue repeated
          retry_policy 6 envoy.config.core.v3.RetryPolicy
        envoy.config.core.v3.GrpcService.EnvoyGrpc
          cluster_name 1 string
          authority 2 string
          retry_policy 3 envoy.config.core.v3.RetryPolicy
          max_receive_message_length 4 google.protobuf.UInt32Value
          skip_envoy_headers 5 bool
        envoy.config.core.v3.HttpService
          http_uri 1 envoy.config.core.v3.HttpUri
          request_headers_to_add 2 envoy.config.core.v3.HeaderValueOption repeated
        envoy.config.bootstrap.v3.Bootstrap.DynamicResources
          lds_config 1 envoy.config.core.v3.ConfigSource
          lds_resources_locator 5 string
          cds_config 2 envoy.config.core.v3.ConfigSource
          cds_resources_locator 6 string
          ads_config 3 envoy.config.core.v3.ApiConfigSource
        envoy.config.core.v3.ConfigSource
          authorities 7 xds.core.v3.Authority repeated
          path 1 string
          path_config_source 8 envoy.config.core.v3.PathConfigSource
          api_config_source 2 envoy.config.core.v3.ApiConfigSource
          ads 3 envoy.config.core.v3.AggregatedConfigSource
          self 5 envoy.config.core.v3.SelfConfigSource
          initial_fetch_timeout 4 google.protobuf.Duration
          resource_api_version 6 enum:envoy.config.core.v3.ApiVersion
        envoy.config.core.v3.PathConfigSource
          path 1 string
          watched_directory 2 envoy.config.core.v3.WatchedDirectory
        envoy.config.core.v3.WatchedDirectory
          path 1 string
        envoy.service.discovery.v3.DiscoveryResponse
          version_info 1 string
          resources 2 google.protobuf.Any repeated
          canary 3 bool
          type_url 4 string
          nonce 5 string
          control_plane 6 envoy.config.core.v3.ControlPlane
        envoy.extensions.filters.network.http_connection_manager.v3.Rds
          config_source 1 envoy.config.core.v3.ConfigSource
          route_config_name 2 string
        envoy.config.cluster.v3.Cluster.EdsClusterConfig
          eds_config 1 envoy.config.core.v3.ConfigSource
          service_name 2 string
        """;
}
