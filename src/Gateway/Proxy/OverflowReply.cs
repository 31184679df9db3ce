using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>Envoy's reply when a cluster's circuit breaker is open: 503, x-envoy-overloaded, flag UO.</summary>
internal static class OverflowReply
{
    private static readonly StringValues True = new("true");

    public static Task WriteAsync(HttpContext context, RequestState state)
    {
        state.ResponseFlags = "UO";
        state.ResponseCodeDetails = "upstream_reset_before_response_started{overflow}";
        context.Response.Headers["x-envoy-overloaded"] = True;
        return LocalReply.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, UpstreamReplyBodies.Overflow, default);
    }
}
