using Gateway.Clusters.Table;
using Gateway.Filters;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>Envoy's reply when a cluster's circuit breaker is open: 503, x-envoy-overloaded, flag UO.</summary>
internal static class OverflowReply
{
    private static readonly StringValues True = new("true");
    private static readonly Action<IHeaderDictionary> AddOverloaded = static headers => headers["x-envoy-overloaded"] = True;

    public static Task WriteAsync(RequestState state) =>
        state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status503ServiceUnavailable, UpstreamReplyBodies.Overflow,
            "upstream_reset_before_response_started{overflow}", "UO", AddOverloaded));
}
