using Gateway.Clusters.Model;

namespace Gateway.Codec;

/// <summary>The HTTP/1 codec rules of one listener, fixed at bind time.</summary>
internal sealed record Http1Limits(int MaxRequestHeadersBytes, int MaxHeadersCount, bool AcceptHttp10, bool AllowChunkedLength, TimeSpan? RequestHeadersTimeout)
{
    public static Http1Limits Of(HttpConnectionManagerConfig http) =>
        new(http.MaxRequestHeadersKb * 1024, http.Protocol.MaxHeadersCount, http.Protocol.AcceptHttp10, http.Protocol.AllowChunkedLength, http.Protocol.RequestHeadersTimeout);
}
