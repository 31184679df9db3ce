using Gateway.Clusters.Model;

namespace Gateway.Clusters.Runtime;

/// <summary>
/// Envoy's Runtime::featureEnabled for the runtime-keyed fields filters carry (RuntimeFractionalPercent,
/// RuntimeFeatureFlag): the runtime's value of the key when a layer sets it, else the config's default.
/// The one place a fraction is drawn, so filters, routes and access logs sample the same way. A field
/// with no runtime key costs one random draw (none when the fraction is 0 or whole).
/// </summary>
public static class RuntimeFeatures
{
    /// <summary>One draw against <paramref name="fraction"/> (the runtime's value of its key, else its default).</summary>
    public static bool IsEnabled(this IRuntime? runtime, RuntimeFractionalPercentConfig fraction) =>
        runtime.IsEnabled(fraction.Default, fraction.RuntimeKey);

    /// <summary>One draw against <paramref name="defaultValue"/>, or the runtime's value of <paramref name="runtimeKey"/> when set.</summary>
    public static bool IsEnabled(this IRuntime? runtime, FractionalPercentConfig defaultValue, string? runtimeKey) =>
        runtimeKey is null || runtime is null
            ? Sample(defaultValue)
            : runtime.FractionEnabled(defaultValue, runtimeKey, (ulong)Random.Shared.NextInt64(long.MaxValue));

    /// <summary>The flag's runtime value ("true"/"false"), else its default.</summary>
    public static bool IsEnabled(this IRuntime? runtime, RuntimeFeatureFlagConfig flag) =>
        runtime is null || flag.RuntimeKey.Length == 0 ? flag.Default : runtime.GetBoolean(flag.RuntimeKey, flag.Default);

    /// <summary>One draw against a plain FractionalPercent (no runtime key).</summary>
    public static bool Sample(FractionalPercentConfig percent)
    {
        if (percent.IsNever)
        {
            return false;
        }

        return percent.IsAlways || Random.Shared.NextInt64(percent.Denominator) < percent.Numerator;
    }
}
