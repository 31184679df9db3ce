using System.Text.Json;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Table;

/// <summary>
/// A canonical text of a <see cref="ClusterConfig"/>. Records holding lists compare lists by reference,
/// so two loads of the same YAML are never Equal; their JSON is. The YAML path is left out: moving a
/// cluster within the file changes nothing it does.
/// </summary>
public static class ClusterConfigCanonicalForm
{
    public static string Of(ClusterConfig config) => JsonSerializer.Serialize(config with { YamlPath = "" }, ClusterConfigJsonContext.Default.ClusterConfig);
}
