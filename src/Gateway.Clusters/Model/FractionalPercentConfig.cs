namespace Gateway.Clusters.Model;

/// <summary>envoy.type.v3.FractionalPercent: numerator over HUNDRED, TEN_THOUSAND or MILLION.</summary>
public sealed record FractionalPercentConfig(uint Numerator, uint Denominator)
{
    public static readonly FractionalPercentConfig Always = new(100, 100);

    public static readonly FractionalPercentConfig Never = new(0, 100);
}
