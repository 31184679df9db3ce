namespace Gateway.Clusters.Model;

/// <summary>envoy.config.core.v3.RuntimeFeatureFlag: a default on/off the runtime key may override.</summary>
/// <param name="RuntimeKey">Empty for <see cref="AlwaysOn"/> (no key: the default decides).</param>
public sealed record RuntimeFeatureFlagConfig(bool Default, string RuntimeKey)
{
    /// <summary>An absent flag whose field defaults to on (a compressor/decompressor direction without common_config).</summary>
    public static readonly RuntimeFeatureFlagConfig AlwaysOn = new(true, "");
}
