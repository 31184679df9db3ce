using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// headers_with_underscores_action as Envoy's codecs apply it: DROP_HEADER removes each request header
/// whose name holds '_', REJECT_REQUEST refuses the request (HTTP/1: 400 and close; HTTP/2: the stream
/// is reset). Counted as Envoy's codec stats <c>http1.*</c> / <c>http2.*</c>, for the whole process as there.
/// Runs only on a connection manager that sets an action other than ALLOW.
/// </summary>
internal static class UnderscoreHeaderRule
{
    public static long Http1DroppedHeaders;
    public static long Http1RejectedRequests;
    public static long Http2DroppedHeaders;
    public static long Http2RejectedRequests;

    /// <summary>False when the request is to be refused; dropped headers are gone from <paramref name="headers"/>.</summary>
    public static bool Apply(IHeaderDictionary headers, HeadersWithUnderscoresAction action, bool http2)
    {
        List<string>? dropped = null;
        foreach (var header in headers)
        {
            if (!header.Key.Contains('_'))
            {
                continue;
            }

            if (action is HeadersWithUnderscoresAction.RejectRequest)
            {
                Interlocked.Increment(ref http2 ? ref Http2RejectedRequests : ref Http1RejectedRequests);
                return false;
            }

            // Envoy counts each header line; Kestrel keeps repeated lines as one name with several values.
            Interlocked.Add(ref http2 ? ref Http2DroppedHeaders : ref Http1DroppedHeaders, Math.Max(1, header.Value.Count));
            (dropped ??= []).Add(header.Key);
        }

        if (dropped is not null)
        {
            foreach (var name in dropped)
            {
                headers.Remove(name);
            }
        }

        return true;
    }
}
