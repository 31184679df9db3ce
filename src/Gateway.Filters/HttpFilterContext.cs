using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters;

/// <summary>
/// What a filter may know of and do to its request beyond the HttpContext (Envoy's filter callbacks and
/// stream info): the selected route and cluster, per-route filter config, the cluster table of this
/// snapshot, dynamic metadata and filter state, local replies. Not sealed: the gateway's per-request
/// state extends it, so a request costs one such object, not two.
/// </summary>
public class HttpFilterContext
{
    /// <summary>Envoy's default per_connection_buffer_limit_bytes (1 MiB), the limit of a buffering filter.</summary>
    public const int DefaultBufferLimitBytes = 1024 * 1024;

    private IReadOnlyDictionary<string, PerFilterConfig> _routeFilterConfigs = PerFilterConfig.None;
    private IReadOnlyDictionary<string, PerFilterConfig>? _clusterFilterConfigs;
    private DynamicMetadata? _dynamicMetadata;
    private Dictionary<string, object>? _filterState;

    public HttpFilterContext(HttpContext httpContext, ClusterTable clusters)
    {
        HttpContext = httpContext;
        Clusters = clusters;
    }

    public HttpContext HttpContext { get; }

    /// <summary>The cluster table of the snapshot this request runs on (a reload does not change it mid-request).</summary>
    public ClusterTable Clusters { get; }

    /// <summary>The cluster of the route the request matched, or null (direct response, redirect, no route).</summary>
    public string? RouteClusterName { get; set; }

    /// <summary>The selected route's config, or null when no route matched.</summary>
    public RouteConfig? RouteEntry { get; protected set; }

    /// <summary>The selected virtual host's config, or null when no virtual host matched.</summary>
    public VirtualHostConfig? VirtualHost { get; protected set; }

    /// <summary>The request's x-request-id, once the connection manager has set it.</summary>
    public string? RequestId { get; set; }

    /// <summary>Envoy's %RESPONSE_FLAGS% (NR, UH, UF, UT, NC, UAEX, RL, ...); null prints as "-".</summary>
    public string? ResponseFlags { get; set; }

    /// <summary>Envoy's %RESPONSE_CODE_DETAILS% (via_upstream, route_not_found, ...).</summary>
    public string? ResponseCodeDetails { get; set; }

    /// <summary>True when the health_check filter answered or passed this request as a health check (not_health_check_filter).</summary>
    public bool IsHealthCheck { get; set; }

    /// <summary>The most a buffering filter may hold of a body (HCM/listener buffer limit).</summary>
    public int BufferLimitBytes { get; set; } = DefaultBufferLimitBytes;

    /// <summary>The running filter chain of this request, or null when the listener has no filters.</summary>
    public HttpFilterManager? FilterManager { get; set; }

    /// <summary>True once a filter asked for the route to be chosen again (after changing headers).</summary>
    public bool RouteCacheCleared { get; private set; }

    /// <summary>Envoy's clearRouteCache(): the route (and cluster) is selected again before the router acts.</summary>
    public void ClearRouteCache()
    {
        RouteCacheCleared = true;
        OnRouteCacheCleared();
    }

    /// <summary>Selects the route again now (the gateway overrides it); filters after this one see the new route.</summary>
    protected virtual void OnRouteCacheCleared()
    {
    }

    /// <summary>Called by the gateway when the route was selected again.</summary>
    protected void RouteReselected() => RouteCacheCleared = false;

    /// <summary>The cluster entry of the selected route, or null.</summary>
    public ClusterEntry? RouteCluster => RouteClusterName is { } name && Clusters.TryGet(name, out var entry) ? entry : null;

    /// <summary>Sets the typed_per_filter_config in force: the route's (merged with its virtual host's and route table's) and the picked weighted cluster's.</summary>
    protected void SetPerFilterConfigs(IReadOnlyDictionary<string, PerFilterConfig> route, IReadOnlyDictionary<string, PerFilterConfig>? cluster)
    {
        _routeFilterConfigs = route;
        _clusterFilterConfigs = cluster is { Count: > 0 } ? cluster : null;
    }

    /// <summary>True when any typed_per_filter_config applies to this request.</summary>
    public bool HasPerFilterConfigs => _routeFilterConfigs.Count > 0 || _clusterFilterConfigs is not null;

    /// <summary>The most specific typed_per_filter_config entry for <paramref name="filterName"/> (weighted cluster, route, virtual host, route table), or null.</summary>
    public PerFilterConfig? PerFilterConfigFor(string filterName)
    {
        if (_clusterFilterConfigs is not null && _clusterFilterConfigs.TryGetValue(filterName, out var byCluster))
        {
            return byCluster;
        }

        return _routeFilterConfigs.Count > 0 && _routeFilterConfigs.TryGetValue(filterName, out var byRoute) ? byRoute : null;
    }

    /// <summary>The filter's most specific per-route settings of type <typeparamref name="T"/>, or null.</summary>
    public T? PerRouteSettings<T>(string filterName)
        where T : class => PerFilterConfigFor(filterName)?.Settings as T;

    /// <summary>Dynamic metadata (created on first use).</summary>
    public DynamicMetadata DynamicMetadata => _dynamicMetadata ??= new DynamicMetadata();

    /// <summary>Dynamic metadata, or null when no filter set any (for the access log).</summary>
    public DynamicMetadata? DynamicMetadataOrNull => _dynamicMetadata;

    /// <summary>Envoy's filter state: objects filters share by name for the rest of the request (%FILTER_STATE(key)%).</summary>
    public IDictionary<string, object> FilterState => _filterState ??= new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Filter state, or null when no filter set any.</summary>
    public IReadOnlyDictionary<string, object>? FilterStateOrNull => _filterState;

    /// <summary>The local reply a filter asked for and the chain has not sent yet.</summary>
    public LocalReplyData? PendingLocalReply { get; private set; }

    /// <summary>
    /// Asks for a local reply (Envoy's sendLocalReply) from a filter hook, and returns
    /// <see cref="FilterStatus.StopIteration"/> for the hook to return. The chain sends it back through the
    /// encoder filters already passed.
    /// </summary>
    public FilterStatus SendLocalReply(LocalReplyData reply)
    {
        PendingLocalReply = reply;
        return FilterStatus.StopIteration;
    }

    /// <inheritdoc cref="SendLocalReply(LocalReplyData)"/>
    public FilterStatus SendLocalReply(int status, string body, string details, string? responseFlag = null, Action<IHeaderDictionary>? modifyHeaders = null) =>
        SendLocalReply(new LocalReplyData(status, body.Length == 0 ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(body), details, responseFlag, modifyHeaders));

    /// <summary>Takes the pending local reply (the chain sends it).</summary>
    internal LocalReplyData? TakePendingLocalReply()
    {
        var reply = PendingLocalReply;
        PendingLocalReply = null;
        return reply;
    }

    /// <summary>
    /// Sends a local reply now, from outside a filter hook (the router, the connection manager): through
    /// every encoder filter when the request has a filter chain, directly otherwise.
    /// </summary>
    public Task SendLocalReplyAsync(LocalReplyData reply) =>
        FilterManager is { } manager ? manager.SendLocalReplyAsync(reply, manager.EncoderCount - 1) : LocalReplyWriter.WriteDirectAsync(this, reply);

    /// <summary>Rewrites a local reply as HCM local_reply_config says (the gateway overrides it).</summary>
    protected internal virtual LocalReplyData MapLocalReply(LocalReplyData reply) => reply;

    /// <summary>Connection-manager headers every local reply carries (server, ...); the gateway overrides it.</summary>
    protected internal virtual void AddLocalReplyHeaders(HttpResponse response)
    {
    }
}
