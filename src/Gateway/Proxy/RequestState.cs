using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// What one request collects on its way through the gateway, for the response headers, the access
/// log and stats: when it started, the route and cluster, the upstream host and Envoy's response flag.
/// One object per request, stored as an HttpContext feature; it is also the filters' context.
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

    public CompiledRoute? Route { get; private set; }

    /// <summary>The client address x-forwarded-for names when use_remote_address is false, for %DOWNSTREAM_REMOTE_ADDRESS%; null = the peer.</summary>
    public System.Net.IPAddress? DownstreamRemoteAddress { get; internal set; }

    /// <summary>Upstream attempts started so far (1 for the first), for x-envoy-attempt-count.</summary>
    internal int AttemptCount { get; set; }

    /// <summary>x-envoy-* headers came in and the edge rules kept them (an internal request): the router reads its control headers.</summary>
    internal bool HasEnvoyControlHeaders { get; set; }

    /// <summary>At least one retry was made (Envoy's reset bodies then say "retried and the latest reset reason").</summary>
    internal bool Retried { get; set; }

    /// <summary>
    /// A router deadline fired after the response had started, so the gateway itself reset the downstream: the
    /// client abort Kestrel then signals (asynchronously, sometimes before the request ends) is not the client's.
    /// </summary>
    internal bool ResetByDeadline { get; set; }

    /// <summary>The Upgrade type of an upgrade request (Connection: upgrade), else null.</summary>
    public string? UpgradeType { get; internal set; }

    /// <summary>The client sent <c>TE: trailers</c>, which Envoy forwards (the forwarder drops TE).</summary>
    internal bool ForwardTeTrailers { get; set; }

    public string? UpstreamCluster { get; set; }

    /// <summary>The upstream host the current attempt goes to (its URI cache), or null.</summary>
    internal UpstreamEndpoint? Endpoint { get; set; }

    /// <summary>ip:port of the upstream host, for %UPSTREAM_HOST%.</summary>
    public string? UpstreamHost { get; set; }

    /// <summary>The upstream host's lb_endpoint metadata (filter_metadata by namespace), for %UPSTREAM_METADATA%; null when none.</summary>
    public IReadOnlyDictionary<string, object?>? UpstreamMetadata { get; set; }

    /// <summary>DNS name of the upstream host (DNS clusters only), for auto_host_rewrite.</summary>
    public string? UpstreamHostname { get; set; }

    /// <summary>The body of the local reply local_reply_config is formatting, for %LOCAL_REPLY_BODY%.</summary>
    public string? LocalReplyBody { get; set; }

    /// <summary>The raw request target and its path length, for route selection (again, after a filter cleared the route cache).</summary>
    internal string RawTarget { get; set; } = "";

    internal int PathLength { get; set; }

    /// <summary>The picked weighted_clusters entry's header edits, or null.</summary>
    internal Routing.WeightedClusterHeaders? ClusterHeaders { get; private set; }

    /// <summary>Selects the route for the request as it is now and the cluster it forwards to.</summary>
    internal void SelectRoute()
    {
        var request = HttpContext.Request;
        var route = Listener.Hosts.Select(request.Host.Value ?? "")?.Match(request, RawTarget, PathLength);
        Route = route;
        RouteEntry = route?.Config;
        VirtualHost = route?.VirtualHost;
        RouteClusterName = null;
        ClusterHeaders = null;
        IReadOnlyDictionary<string, PerFilterConfig>? clusterConfigs = null;
        if (route is { Kind: RouteActionKind.Forward })
        {
            if (route.Cluster is { } cluster)
            {
                RouteClusterName = cluster;
            }
            else if (route.ClusterHeader is { } header)
            {
                RouteClusterName = request.Headers[header].ToString();
            }
            else
            {
                var (picked, headers) = route.Weighted!.PickEntry();
                RouteClusterName = picked.Name;
                ClusterHeaders = headers;
                clusterConfigs = picked.TypedPerFilterConfig;
            }
        }

        SetPerFilterConfigs(route?.TypedPerFilterConfig ?? PerFilterConfig.None, clusterConfigs);
        RouteReselected();
    }

    protected override void OnRouteCacheCleared() => SelectRoute();

    protected override LocalReplyData MapLocalReply(LocalReplyData reply) =>
        Listener.LocalReplyMapper is { } mapper ? mapper.Map(this, reply) : reply;

    /// <summary>The request's stream watch (timeouts, the end of its body); null when the HCM has no stream timeout.</summary>
    internal Codec.StreamWatch? Watch { get; set; }

    private bool _responseHeadersChecked;

    /// <summary>
    /// Envoy's ActiveStream::encodeHeaders for a response that goes out before its request is complete: counted in
    /// <c>downstream_rq_response_before_rq_complete</c>, and an HTTP/1 connection closes after it (<c>connection: close</c>)
    /// rather than wait for the rest of a body nobody reads. Known only where a watch follows the body.
    /// </summary>
    internal void CheckResponseBeforeRequestComplete(HttpResponse response)
    {
        if (_responseHeadersChecked || Watch is not { RequestComplete: false })
        {
            return;
        }

        _responseHeadersChecked = true;
        Interlocked.Increment(ref Listener.Stats.DownstreamRqResponseBeforeRqComplete);
        var protocol = HttpContext.Request.Protocol;
        if ((HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol)) && UpgradeType is null)
        {
            response.Headers.Connection = "close";
        }
    }

    protected override void AddLocalReplyHeaders(HttpResponse response)
    {
        CheckResponseBeforeRequestComplete(response);
        if (Listener.Http.ServerHeaderTransformation != ServerHeaderTransformation.PassThrough)
        {
            response.Headers.Server = Listener.ServerName;
        }
    }
}
