using Gateway.Clusters.Table;
using Gateway.Filters;
using Microsoft.AspNetCore.Http;
using Gateway.Routing;

namespace Gateway.Proxy;

/// <summary>
/// What one request collects on its way through the gateway, for the response headers, the access
/// log and stats: when it started, the route and cluster, the upstream host and Envoy's response flag.
/// One object per request, stored as an HttpContext feature.
/// </summary>
public sealed class RequestState : HttpFilterContext
{
    public RequestState(HttpContext httpContext, ClusterTable clusters, ListenerRuntime listener, long startTimestamp)
        : base(httpContext, clusters)
    {
        Listener = listener;
        StartTimestamp = startTimestamp;
    }

    public ListenerRuntime Listener { get; }

    public long StartTimestamp { get; }

    /// <summary>When the forwarder started sending upstream, for x-envoy-upstream-service-time.</summary>
    public long UpstreamStartTimestamp { get; set; }

    public CompiledRoute? Route { get; set; }

    public string? UpstreamCluster { get; set; }

    /// <summary>ip:port of the upstream host, for %UPSTREAM_HOST%.</summary>
    public string? UpstreamHost { get; set; }

    /// <summary>DNS name of the upstream host (DNS clusters only), for auto_host_rewrite.</summary>
    public string? UpstreamHostname { get; set; }

    /// <summary>Envoy's %RESPONSE_FLAGS% (NR, UH, UF, UT, NC, ...); null prints as "-".</summary>
    public string? ResponseFlags { get; set; }

    /// <summary>Envoy's %RESPONSE_CODE_DETAILS% (via_upstream, route_not_found, ...).</summary>
    public string? ResponseCodeDetails { get; set; }
}
