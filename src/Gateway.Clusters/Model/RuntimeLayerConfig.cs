namespace Gateway.Clusters.Model;

/// <summary>One layered_runtime layer; <paramref name="Values"/> are the static layer's keys flattened with dots.</summary>
public sealed record RuntimeLayerConfig(string Name, RuntimeLayerKind Kind, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>For a disk layer: the directory whose files are the keys (symlink_root/subdirectory).</summary>
    public string? Directory { get; init; }
}
