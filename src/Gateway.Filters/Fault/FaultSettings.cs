using Gateway.Clusters.Model;
using Gateway.Filters.Matching;

namespace Gateway.Filters.Fault;

/// <summary>envoy.extensions.filters.http.fault.v3.HTTPFault, validated, with its header matchers compiled (filter level or per route).</summary>
/// <param name="UpstreamCluster">Only requests routed to this cluster get faults ("" for all).</param>
/// <param name="DownstreamNodes">Only requests whose x-envoy-downstream-service-node is listed get faults (empty for all).</param>
/// <param name="MaxActiveFaults">No new fault while this many are active (null: no limit).</param>
/// <param name="DisableDownstreamClusterStats">No fault.&lt;downstream cluster&gt;.* stats.</param>
public sealed record FaultSettings(
    FaultAbortConfig? Abort,
    FaultDelayConfig? Delay,
    string UpstreamCluster,
    IReadOnlySet<string> DownstreamNodes,
    IReadOnlyList<HeaderMatcher> Headers,
    ulong? MaxActiveFaults,
    bool DisableDownstreamClusterStats)
{
    /// <summary>The runtime keys that may override the configured values.</summary>
    public FaultRuntimeKeys RuntimeKeys { get; init; } = FaultRuntimeKeys.Default;
}
