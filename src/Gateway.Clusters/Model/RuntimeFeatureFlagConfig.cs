namespace Gateway.Clusters.Model;

/// <summary>envoy.config.core.v3.RuntimeFeatureFlag: a default on/off the runtime key may override.</summary>
public sealed record RuntimeFeatureFlagConfig(bool Default, string RuntimeKey);
