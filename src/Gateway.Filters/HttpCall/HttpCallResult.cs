using Gateway.Clusters.Table;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// What the callout's callback receives, as Envoy would deliver it: a status and body from the upstream,
/// or Envoy's local reply for a failure (504 timeout, 503 connect failure / no healthy upstream, 502 reset).
/// </summary>
/// <param name="Status">The status code the callback sees.</param>
/// <param name="Body">The response body (never null).</param>
/// <param name="Normal">wasm-go's <c>normal</c>: a <c>:status</c> header was present (false only for a reset).</param>
/// <param name="FromUpstream">True when the upstream answered; false for a locally generated failure (what on_error acts on).</param>
/// <param name="Aborted">The downstream request went away while waiting; nothing more is done.</param>
internal readonly record struct HttpCallResult(int Status, byte[] Body, bool Normal, bool FromUpstream, bool Aborted)
{
    /// <summary>Envoy's router answer when the callout's timeout fires.</summary>
    public static HttpCallResult Timeout => new(504, UpstreamReplyBodies.RequestTimeout, true, false, false);

    /// <summary>No healthy endpoint in the cluster.</summary>
    public static HttpCallResult NoHealthyUpstream => new(503, UpstreamReplyBodies.NoHealthyUpstream, true, false, false);

    /// <summary>The TCP connection was refused or failed.</summary>
    public static HttpCallResult ConnectFailure => new(503, UpstreamReplyBodies.ConnectionFailure, true, false, false);

    /// <summary>The cluster's connect_timeout elapsed.</summary>
    public static HttpCallResult ConnectTimeout => new(503, UpstreamReplyBodies.ConnectionTimeout, true, false, false);

    /// <summary>The cluster's circuit breaker refused the call (max_requests reached).</summary>
    public static HttpCallResult Overflow => new(503, UpstreamReplyBodies.Overflow, true, false, false);

    /// <summary>The stream was reset or ended without a response: wasm-go sees no headers and reports 502.</summary>
    public static HttpCallResult Reset => new(502, [], false, false, false);

    public static HttpCallResult DownstreamAborted => new(0, [], false, false, true);
}
