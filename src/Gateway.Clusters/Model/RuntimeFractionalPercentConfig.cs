namespace Gateway.Clusters.Model;

/// <summary>envoy.config.core.v3.RuntimeFractionalPercent: a default fraction the runtime key may override.</summary>
public sealed record RuntimeFractionalPercentConfig(FractionalPercentConfig Default, string? RuntimeKey);
