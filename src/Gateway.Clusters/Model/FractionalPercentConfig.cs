namespace Gateway.Clusters.Model;

/// <summary>
/// envoy.type.v3.FractionalPercent (numerator over HUNDRED, TEN_THOUSAND or MILLION), also the
/// default_value of a RuntimeFractionalPercent: this gateway has no runtime layer, so the default is
/// what applies, as in Envoy when the runtime key has no override.
/// </summary>
public sealed record FractionalPercentConfig(uint Numerator, uint Denominator)
{
    public static readonly FractionalPercentConfig Hundred = new(100, 100);

    public static readonly FractionalPercentConfig Zero = new(0, 100);

    /// <summary>True when every sample is enabled (no random draw needed).</summary>
    public bool IsAlways => Numerator >= Denominator;

    /// <summary>True when no sample is enabled.</summary>
    public bool IsNever => Numerator == 0;
}
