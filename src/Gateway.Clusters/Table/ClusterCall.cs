using Gateway.Clusters.Resilience;

namespace Gateway.Clusters.Table;

/// <summary>
/// One caller's slot in a cluster's circuit breaker, from admission to the end of the request, whoever
/// the caller is (the router, http-call, a wasm plugin, ext_authz, a JWKS fetch): one cluster means one
/// pool, one set of stats and one policy. Attempts to endpoints are started from it; disposing it
/// gives the slot back. A readonly struct so the request path pays no allocation for it.
/// </summary>
public readonly struct ClusterCall : IDisposable
{
    internal ClusterCall(ClusterEntry entry)
    {
        Entry = entry;
    }

    public ClusterEntry Entry { get; }

    /// <summary>Counts a request to <paramref name="endpoint"/> as sent (cluster and host upstream_rq_total/_active).</summary>
    public UpstreamAttempt StartAttempt(UpstreamEndpoint endpoint)
    {
        Entry.BeginUpstreamRequest(endpoint);
        return new UpstreamAttempt(Entry, endpoint);
    }

    public void Dispose() => Entry?.ExitRequest();
}
