using Gateway.Clusters.Stats;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Hosting;
using Gateway.Proxy;

namespace Gateway.Stats;

/// <summary>
/// The stats registry: walks the current snapshot (clusters, listeners, their filters), the server
/// state and every <see cref="IReportsStats"/> contributor, and reports them with Envoy's names and
/// tags. Built on demand by the admin interface; the request path only bumps the counters.
/// </summary>
public sealed class GatewayStatsSource
{
    private readonly GatewayHost _host;
    private readonly HttpConnectionManagerStats _adminStats;
    private readonly IReadOnlyList<IReportsStats> _contributors;

    public GatewayStatsSource(GatewayHost host, HttpConnectionManagerStats adminStats, IEnumerable<IReportsStats> contributors)
    {
        _host = host;
        _adminStats = adminStats;
        _contributors = contributors.ToList();
    }

    /// <summary>Reports every stat to <paramref name="writer"/> (a collector reads them, a resetter zeroes counters).</summary>
    public void Report(IStatsWriter writer)
    {
        var state = _host.State;
        var snapshot = state.Current;
        ReportServer(writer, state, snapshot);
        foreach (var cluster in snapshot.Clusters.Entries)
        {
            ReportCluster(writer, cluster);
        }

        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var listener in snapshot.Listeners.Values)
        {
            if (seen.Add(listener.Stats))
            {
                ReportConnectionManager(writer, listener.Http.StatPrefix, listener.Stats);
            }

            foreach (var filter in listener.Filters.Filters)
            {
                if (filter is IReportsStats reporter && seen.Add(reporter))
                {
                    reporter.ReportStats(writer);
                }
            }
        }

        ReportConnectionManager(writer, "admin", _adminStats);
        foreach (var slot in _host.Slots)
        {
            var stats = slot.IsAdmin ? _adminStats : slot.Stats;
            if (stats is not null)
            {
                ReportListener(writer, slot.IsAdmin ? null : slot.StatAddress, stats);
            }

            if (!slot.IsAdmin && snapshot.NetworkListeners.TryGetValue(slot.Name, out var network))
            {
                ReportNetworkListener(writer, slot.StatAddress, network.Stats);
            }
        }

        foreach (var contributor in _contributors)
        {
            if (seen.Add(contributor))
            {
                contributor.ReportStats(writer);
            }
        }
    }

    private static void ReportServer(IStatsWriter writer, GatewayState state, GatewaySnapshot snapshot)
    {
        var draining = state.HealthCheckFailed;
        long connections = 0;
        foreach (var listener in snapshot.Listeners.Values)
        {
            // A network listener's HTTP chains are in its own count below.
            if (!snapshot.NetworkListeners.ContainsKey(listener.Name))
            {
                connections += Volatile.Read(ref listener.Stats.DownstreamCxActive);
            }
        }

        foreach (var listener in snapshot.NetworkListeners.Values)
        {
            connections += Volatile.Read(ref listener.Stats.Connections.DownstreamCxActive);
        }

        writer.Gauge("server.live", draining ? 0 : 1);
        // Envoy's server.state: 0 LIVE, 1 DRAINING, 2 PRE_INITIALIZING, 3 INITIALIZING.
        writer.Gauge("server.state", draining ? 1 : 0);
        writer.Gauge("server.uptime", (long)(DateTimeOffset.UtcNow - state.StartedAt).TotalSeconds);
        writer.Gauge("server.version", ServerVersion.Number);
        writer.Gauge("server.concurrency", Hosting.EventLoops.Concurrency);
        writer.Gauge("server.total_connections", connections);
        writer.Gauge("server.hot_restart_epoch", 0);
        writer.Gauge("server.memory_allocated", GC.GetTotalMemory(false));
        writer.Gauge("server.memory_heap_size", GC.GetGCMemoryInfo().HeapSizeBytes);
        writer.Counter("server.config_reload_success", ref state.ConfigReloads);
        writer.Counter("server.config_reload_failure", ref state.ConfigReloadFailures);
        writer.Counter("http1.dropped_headers_with_underscores", ref Proxy.UnderscoreHeaderRule.Http1DroppedHeaders);
        writer.Counter("http1.requests_rejected_with_underscores_in_headers", ref Proxy.UnderscoreHeaderRule.Http1RejectedRequests);
        writer.Counter("http2.dropped_headers_with_underscores", ref Proxy.UnderscoreHeaderRule.Http2DroppedHeaders);
        writer.Counter("http2.requests_rejected_with_underscores_in_headers", ref Proxy.UnderscoreHeaderRule.Http2RejectedRequests);
        writer.Counter("http2.inbound_empty_frames_flood", ref Codec.Http2FloodGuard.InboundEmptyFramesFlood);
        writer.Counter("http2.inbound_priority_frames_flood", ref Codec.Http2FloodGuard.InboundPriorityFramesFlood);
        writer.Counter("http2.inbound_window_update_frames_flood", ref Codec.Http2FloodGuard.InboundWindowUpdateFramesFlood);
        writer.Counter("http2.outbound_flood", ref Codec.Http2OutboundGuard.OutboundFlood);
        writer.Counter("http2.outbound_control_flood", ref Codec.Http2OutboundGuard.OutboundControlFlood);
        writer.Gauge("cluster_manager.active_clusters", snapshot.Clusters.Count);
        writer.Gauge("listener_manager.total_listeners_active", snapshot.Config.Listeners.Count);
    }

    private static void ReportCluster(IStatsWriter writer, ClusterEntry cluster)
    {
        var name = cluster.Name;
        var prefix = "cluster." + name + ".";
        StatTag[] tags = [new("envoy_cluster_name", name)];
        var s = cluster.Stats;

        void Counter(string stat, ref long value) => writer.Counter(prefix + stat, ref value, "cluster." + stat, tags);
        void Gauge(string stat, long value) => writer.Gauge(prefix + stat, value, "cluster." + stat, tags);

        Counter("upstream_rq_total", ref s.UpstreamRqTotal);
        Counter("upstream_rq_timeout", ref s.UpstreamRqTimeout);
        Counter("upstream_rq_pending_overflow", ref s.UpstreamRqPendingOverflow);
        Counter("upstream_rq_retry", ref s.UpstreamRqRetry);
        Counter("upstream_rq_retry_overflow", ref s.UpstreamRqRetryOverflow);
        Counter("upstream_rq_retry_success", ref s.UpstreamRqRetrySuccess);
        Counter("upstream_rq_retry_limit_exceeded", ref s.UpstreamRqRetryLimitExceeded);
        Counter("upstream_rq_retry_backoff_exponential", ref s.UpstreamRqRetryBackoffExponential);
        Counter("upstream_rq_retry_backoff_ratelimited", ref s.UpstreamRqRetryBackoffRatelimited);
        Counter("upstream_rq_per_try_timeout", ref s.UpstreamRqPerTryTimeout);
        Counter("retry_or_shadow_abandoned", ref s.RetryOrShadowAbandoned);
        Counter("lb_healthy_panic", ref s.LbHealthyPanic);
        Counter("upstream_cx_destroy", ref s.UpstreamCxDestroy);
        Counter("upstream_cx_destroy_local", ref s.UpstreamCxDestroyLocal);
        Counter("upstream_cx_destroy_remote", ref s.UpstreamCxDestroyRemote);
        Counter("upstream_cx_total", ref s.UpstreamCxTotal);
        Counter("upstream_cx_connect_fail", ref s.UpstreamCxConnectFail);
        Counter("upstream_cx_none_healthy", ref s.UpstreamCxNone);
        Counter("upstream_cx_overflow", ref s.UpstreamCxOverflow);
        Gauge("upstream_cx_active", Volatile.Read(ref s.UpstreamCxActive));
        Gauge("upstream_rq_active", Volatile.Read(ref s.UpstreamRqActive));
        var endpoints = cluster.Endpoints;
        Gauge("membership_total", endpoints.All.Length);
        Gauge("membership_healthy", endpoints.HealthyCount);
        Gauge("membership_degraded", 0);
        Gauge("membership_excluded", 0);

        if (cluster.Outlier is { } outlier)
        {
            Counter("outlier_detection.ejections_total", ref outlier.EjectionsTotal);
            Counter("outlier_detection.ejections_enforced_total", ref outlier.EjectionsEnforcedTotal);
            Counter("outlier_detection.ejections_overflow", ref outlier.EjectionsOverflow);
            Counter("outlier_detection.ejections_consecutive_5xx", ref outlier.EjectionsConsecutive5xx);
            Counter("outlier_detection.ejections_detected_consecutive_5xx", ref outlier.EjectionsDetectedConsecutive5xx);
            Counter("outlier_detection.ejections_enforced_consecutive_5xx", ref outlier.EjectionsEnforcedConsecutive5xx);
            Counter("outlier_detection.ejections_detected_consecutive_gateway_failure", ref outlier.EjectionsDetectedConsecutiveGatewayFailure);
            Counter("outlier_detection.ejections_enforced_consecutive_gateway_failure", ref outlier.EjectionsEnforcedConsecutiveGatewayFailure);
            Gauge("outlier_detection.ejections_active", outlier.EjectionsActive);
        }

        ReportClass(writer, prefix + "upstream_rq_", "cluster.upstream_rq_xx", tags, ref s.UpstreamRq1xx, ref s.UpstreamRq2xx, ref s.UpstreamRq3xx, ref s.UpstreamRq4xx, ref s.UpstreamRq5xx);
        foreach (var status in s.SeenStatuses())
        {
            writer.Counter(prefix + "upstream_rq_" + status, ref s.StatusCounter(status), "cluster.upstream_rq",
                [new("envoy_response_code", status.ToString(System.Globalization.CultureInfo.InvariantCulture)), tags[0]]);
        }
    }

    private static void ReportConnectionManager(IStatsWriter writer, string statPrefix, HttpConnectionManagerStats s)
    {
        var prefix = "http." + statPrefix + ".";
        StatTag[] tags = [new("envoy_http_conn_manager_prefix", statPrefix)];

        void Counter(string stat, ref long value) => writer.Counter(prefix + stat, ref value, "http." + stat, tags);

        Counter("downstream_rq_total", ref s.DownstreamRqTotal);
        Counter("downstream_rq_completed", ref s.DownstreamRqCompleted);
        Counter("downstream_rq_rx_reset", ref s.DownstreamRqRxReset);
        Counter("downstream_rq_idle_timeout", ref s.DownstreamRqIdleTimeout);
        Counter("downstream_rq_timeout", ref s.DownstreamRqTimeout);
        Counter("downstream_rq_too_many_premature_resets", ref s.DownstreamRqTooManyPrematureResets);
        Counter("downstream_cx_total", ref s.DownstreamCxTotal);
        Counter("downstream_cx_http1_total", ref s.DownstreamCxHttp1Total);
        Counter("downstream_cx_http2_total", ref s.DownstreamCxHttp2Total);
        Counter("downstream_cx_ssl_total", ref s.DownstreamCxSslTotal);
        Counter("downstream_rq_http1_total", ref s.DownstreamRqHttp1Total);
        Counter("downstream_rq_http2_total", ref s.DownstreamRqHttp2Total);
        Counter("no_route", ref s.NoRoute);
        Counter("no_cluster", ref s.NoCluster);
        Counter("rq_direct_response", ref s.RqDirectResponse);
        Counter("rq_redirect", ref s.RqRedirect);
        Counter("downstream_rq_max_duration_reached", ref s.DownstreamRqMaxDurationReached);
        Counter("downstream_rq_response_before_rq_complete", ref s.DownstreamRqResponseBeforeRqComplete);
        Counter("downstream_rq_failed_path_normalization", ref s.DownstreamRqFailedPathNormalization);
        Counter("downstream_rq_redirected_with_normalized_path", ref s.DownstreamRqRedirectedWithNormalizedPath);
        writer.Gauge(prefix + "downstream_rq_active", Volatile.Read(ref s.DownstreamRqActive), "http.downstream_rq_active", tags);
        writer.Gauge(prefix + "downstream_cx_active", Volatile.Read(ref s.DownstreamCxActive), "http.downstream_cx_active", tags);
        writer.Gauge(prefix + "downstream_cx_http1_active", Volatile.Read(ref s.DownstreamCxHttp1Active), "http.downstream_cx_http1_active", tags);
        writer.Gauge(prefix + "downstream_cx_http2_active", Volatile.Read(ref s.DownstreamCxHttp2Active), "http.downstream_cx_http2_active", tags);
        writer.Gauge(prefix + "downstream_cx_ssl_active", Volatile.Read(ref s.DownstreamCxSslActive), "http.downstream_cx_ssl_active", tags);
        ReportClass(writer, prefix + "downstream_rq_", "http.downstream_rq_xx", tags, ref s.DownstreamRq1xx, ref s.DownstreamRq2xx, ref s.DownstreamRq3xx, ref s.DownstreamRq4xx, ref s.DownstreamRq5xx);
    }

    /// <summary><c>listener.&lt;ip_port&gt;.downstream_cx_*</c>; the admin listener is <c>listener.admin.*</c>, untagged.</summary>
    private static void ReportListener(IStatsWriter writer, string? address, HttpConnectionManagerStats s)
    {
        if (address is null)
        {
            writer.Counter("listener.admin.downstream_cx_total", ref s.DownstreamCxTotal);
            writer.Gauge("listener.admin.downstream_cx_active", Volatile.Read(ref s.DownstreamCxActive));
            return;
        }

        StatTag[] tags = [new("envoy_listener_address", address)];
        writer.Counter("listener." + address + ".downstream_cx_total", ref s.DownstreamCxTotal, "listener.downstream_cx_total", tags);
        writer.Gauge("listener." + address + ".downstream_cx_active", Volatile.Read(ref s.DownstreamCxActive), "listener.downstream_cx_active", tags);
    }

    /// <summary>The chain-matching and listener-filter counters of a network listener, under Envoy's names.</summary>
    private static void ReportNetworkListener(IStatsWriter writer, string address, Network.NetworkListenerStats s)
    {
        StatTag[] tags = [new("envoy_listener_address", address)];
        writer.Counter("listener." + address + ".no_filter_chain_match", ref s.NoFilterChainMatch, "listener.no_filter_chain_match", tags);
        writer.Counter("listener." + address + ".downstream_pre_cx_timeout", ref s.DownstreamPreCxTimeout, "listener.downstream_pre_cx_timeout", tags);
        writer.Counter("listener." + address + ".downstream_cx_proxy_proto_error", ref s.ProxyProtocolError, "listener.downstream_cx_proxy_proto_error", tags);
    }

    /// <summary><c>&lt;prefix&gt;1xx</c> .. <c>5xx</c>, tagged <c>envoy_response_code_class</c> as Envoy does.</summary>
    private static void ReportClass(IStatsWriter writer, string prefix, string extracted, StatTag[] tags,
        ref long c1, ref long c2, ref long c3, ref long c4, ref long c5)
    {
        writer.Counter(prefix + "1xx", ref c1, extracted, [new("envoy_response_code_class", "1"), tags[0]]);
        writer.Counter(prefix + "2xx", ref c2, extracted, [new("envoy_response_code_class", "2"), tags[0]]);
        writer.Counter(prefix + "3xx", ref c3, extracted, [new("envoy_response_code_class", "3"), tags[0]]);
        writer.Counter(prefix + "4xx", ref c4, extracted, [new("envoy_response_code_class", "4"), tags[0]]);
        writer.Counter(prefix + "5xx", ref c5, extracted, [new("envoy_response_code_class", "5"), tags[0]]);
    }
}
