namespace Gateway.Clusters.Model;

/// <summary>The kinds of layered_runtime layer this gateway serves.</summary>
public enum RuntimeLayerKind
{
    /// <summary>static_layer: values from the bootstrap.</summary>
    Static,

    /// <summary>admin_layer: values set with POST /runtime_modify.</summary>
    Admin,

    /// <summary>disk_layer: one file per key under symlink_root/subdirectory, re-read when the files change.</summary>
    Disk,
}
