using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.GrpcWeb;

/// <summary>
/// Catches the upstream's trailers on a connection that cannot send trailers (HTTP/1.1): the proxy
/// copies trailers into whatever IHttpResponseTrailersFeature the request has, and the filter moves
/// them into the body's trailer frame, so they never need to reach the server's own trailers.
/// </summary>
internal sealed class GrpcWebTrailers : IHttpResponseTrailersFeature
{
    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
}
