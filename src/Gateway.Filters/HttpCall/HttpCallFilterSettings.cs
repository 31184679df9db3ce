using Gateway.Clusters.Naming;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// What the loader keeps of one http-call wasm filter entry: who the plugin is (for the log prefix and
/// messages) and its parsed configuration. Stored in <see cref="Clusters.Model.HttpFilterConfig.Settings"/>.
/// </summary>
/// <param name="FilterName">The http_filters entry's <c>name</c> (e.g. <c>wasmdemo</c>).</param>
/// <param name="PluginName">PluginConfig <c>name</c>; wasm-go prints it first in every log line.</param>
/// <param name="RootId">PluginConfig <c>root_id</c> ("" when absent); wasm-go's plugin id slot of the log prefix.</param>
/// <param name="VmId">VmConfig <c>vm_id</c> ("" when absent); kept for messages only.</param>
/// <param name="WasmFile">The <c>code.local.filename</c> users configured; never opened.</param>
/// <param name="Config">The plugin JSON, parsed.</param>
public sealed record HttpCallFilterSettings(
    string FilterName,
    string PluginName,
    string RootId,
    string VmId,
    string WasmFile,
    HttpCallConfig Config)
{
    /// <summary>
    /// The cluster every callout goes to, or null when it depends on the request (a route cluster).
    /// Lets the gateway check at load that it exists, which Envoy never does.
    /// </summary>
    public string? FixedClusterName =>
        Config.Cluster.Kind == HigressClusterKind.Route ? null : HigressClusterNaming.ClusterName(Config.Cluster);
}
