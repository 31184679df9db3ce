using System.Text;

namespace Gateway.Clusters.Table;

/// <summary>
/// The text/plain bodies of Envoy's local replies when an upstream request fails, byte for byte as
/// Envoy writes them. One copy shared by the proxy's replies and the http-call filter's callout
/// results, so both say exactly what Envoy says. The arrays are shared: never write into them.
/// </summary>
public static class UpstreamReplyBodies
{
    private const string ResetBeforeHeaders = "upstream connect error or disconnect/reset before headers. reset reason: ";

    /// <summary>
    /// Envoy's router body for a reset before the response started: <c>reset reason: remote connection
    /// failure, transport failure reason: delayed connect error: Connection refused</c>, with
    /// "retried and the latest" once a retry was made.
    /// </summary>
    public static byte[] ResetBefore(string reason, string? transportFailure, bool retried) =>
        Encoding.ASCII.GetBytes("upstream connect error or disconnect/reset before headers. " + (retried ? "retried and the latest " : "") +
            "reset reason: " + reason + (transportFailure is null ? "" : ", transport failure reason: " + transportFailure));

    /// <summary>The response code details of that reset: <c>upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}</c>.</summary>
    public static string ResetBeforeDetails(string reason, string? transportFailure) =>
        ("upstream_reset_before_response_started{" + reason + (transportFailure is null ? "" : "|" + transportFailure) + "}").Replace(' ', '_');

    /// <summary>No healthy endpoint in the cluster (503, UH).</summary>
    public static readonly byte[] NoHealthyUpstream = Encoding.ASCII.GetBytes("no healthy upstream");

    /// <summary>The TCP connection was refused or failed (503, UF).</summary>
    public static readonly byte[] ConnectionFailure = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "remote connection failure, transport failure reason: delayed connect error: Connection refused");

    /// <summary>The cluster's connect_timeout elapsed (503, UF).</summary>
    public static readonly byte[] ConnectionTimeout = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "connection timeout");

    /// <summary>The upstream closed or reset before the response headers (503, UC).</summary>
    public static readonly byte[] ConnectionTermination = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "connection termination");

    /// <summary>The circuit breaker refused the request (503, UO).</summary>
    public static readonly byte[] Overflow = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "overflow");

    /// <summary>The route's (or callout's) timeout fired (504, UT).</summary>
    public static readonly byte[] RequestTimeout = Encoding.ASCII.GetBytes("upstream request timeout");
}
