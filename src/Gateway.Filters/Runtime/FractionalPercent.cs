using Gateway.Clusters.Model;

namespace Gateway.Filters.Runtime;

/// <summary>
/// An envoy.type.v3.FractionalPercent (as in RuntimeFractionalPercent.default_value; this gateway has
/// no runtime, so runtime_key never overrides it): numerator out of 100, 10 000 or 1 000 000.
/// </summary>
public readonly record struct FractionalPercent(uint Numerator, uint Denominator)
{
    public static readonly FractionalPercent Always = new(100, 100);

    public static readonly FractionalPercent Never = new(0, 100);

    /// <summary>From a parsed RuntimeFractionalPercent; an absent one is never.</summary>
    public static FractionalPercent Of(FractionalPercentConfig? config) => config is null ? Never : new(config.Numerator, config.Denominator);

    /// <summary>Envoy's featureEnabled: a fresh random draw each call unless the fraction is 0 or whole.</summary>
    public bool Sample()
    {
        if (Numerator == 0)
        {
            return false;
        }

        if (Numerator >= Denominator)
        {
            return true;
        }

        return (uint)Random.Shared.NextInt64(Denominator) < Numerator;
    }
}
