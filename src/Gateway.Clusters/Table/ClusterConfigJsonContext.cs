using System.Text.Json.Serialization;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Table;

/// <summary>
/// Source-generated JSON for <see cref="ClusterConfigCanonicalForm"/>: no reflection, so config reload
/// compares clusters under Native AOT and trimming as it does under the JIT.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ClusterConfig))]
internal sealed partial class ClusterConfigJsonContext : JsonSerializerContext;
