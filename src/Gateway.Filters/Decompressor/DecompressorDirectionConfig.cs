using Gateway.Clusters.Model;

namespace Gateway.Filters.Decompressor;

/// <summary>Decompressor.CommonDirectionConfig: enabled (a RuntimeFeatureFlag, default on) and ignore_no_transform_header.</summary>
public sealed record DecompressorDirectionConfig(RuntimeFeatureFlagConfig Enabled, bool IgnoreNoTransformHeader)
{
    /// <summary>True unless the flag is off by default and no runtime key can turn it on: the filter then skips this direction's body.</summary>
    public bool MayBeEnabled => Enabled.Default || Enabled.RuntimeKey.Length > 0;
}
