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

    /// <summary>No healthy endpoint in the cluster (503, UH).</summary>
    public static readonly byte[] NoHealthyUpstream = Encoding.ASCII.GetBytes("no healthy upstream");

    /// <summary>The TCP connection was refused or failed (503, UF).</summary>
    public static readonly byte[] ConnectionFailure = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "connection failure");

    /// <summary>The cluster's connect_timeout elapsed (503, UF).</summary>
    public static readonly byte[] ConnectionTimeout = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "connection timeout");

    /// <summary>The upstream closed or reset before the response headers (503, UC).</summary>
    public static readonly byte[] ConnectionTermination = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "connection termination");

    /// <summary>The circuit breaker refused the request (503, UO).</summary>
    public static readonly byte[] Overflow = Encoding.ASCII.GetBytes(ResetBeforeHeaders + "overflow");

    /// <summary>The route's (or callout's) timeout fired (504, UT).</summary>
    public static readonly byte[] RequestTimeout = Encoding.ASCII.GetBytes("upstream request timeout");
}
