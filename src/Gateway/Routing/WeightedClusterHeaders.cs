using Gateway.Clusters.Model;
using Gateway.Filters.Headers;

namespace Gateway.Routing;

/// <summary>
/// One weighted_clusters entry's request/response header edits, compiled once per config load. Envoy
/// applies them before the route's, virtual host's and route configuration's (the most specific first).
/// </summary>
internal sealed class WeightedClusterHeaders
{
    private WeightedClusterHeaders(HeaderMutationConfig config)
    {
        RequestHeadersToRemove = config.RequestRemove;
        RequestHeadersToAdd = config.RequestAdd.Select(AccessLog.FormattedHeaderValue.CompileRequest).ToArray();
        ResponseHeadersToRemove = config.ResponseRemove;
        ResponseHeadersToAdd = config.ResponseAdd.Select(AccessLog.FormattedHeaderValue.Compile).ToArray();
    }

    public IReadOnlyList<string> RequestHeadersToRemove { get; }

    public IReadOnlyList<HeaderValueOption> RequestHeadersToAdd { get; }

    public IReadOnlyList<string> ResponseHeadersToRemove { get; }

    public IReadOnlyList<HeaderValueOption> ResponseHeadersToAdd { get; }

    /// <summary>Null for an entry without header edits (nothing to do per request).</summary>
    public static WeightedClusterHeaders? Of(HeaderMutationConfig config) => config.IsEmpty ? null : new(config);
}
