using Gateway.Clusters.Model;

namespace Gateway.Filters.Runtime;

/// <summary>Envoy's Runtime featureEnabled(key, FractionalPercent) without a runtime layer: one random draw against the default value.</summary>
public static class FractionalPercentSampler
{
    public static bool Sample(FractionalPercentConfig percent)
    {
        if (percent.IsNever)
        {
            return false;
        }

        return percent.IsAlways || Random.Shared.NextInt64(percent.Denominator) < percent.Numerator;
    }
}
