using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters;

/// <summary>
/// What a filter may know of the request beyond the HttpContext: the matched route's cluster, the cluster
/// table of this snapshot, the request id. Not sealed: the gateway's per-request state extends it, so a
/// request costs one such object, not two.
/// </summary>
public class HttpFilterContext
{
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

    /// <summary>The request's x-request-id, once the connection manager has set it.</summary>
    public string? RequestId { get; set; }

    /// <summary>Set by a filter that answered with a local reply, for the access log (e.g. UAEX-like flags).</summary>
    public string? ResponseFlag { get; set; }
}
