namespace Gateway.Clusters.Model;

/// <summary>layered_runtime: layers in order, a later layer overriding an earlier one.</summary>
public sealed record RuntimeConfig(IReadOnlyList<RuntimeLayerConfig> Layers)
{
    public static readonly RuntimeConfig Empty = new([]);
}
