using Gateway.Clusters.Model;

namespace Gateway.Clusters.Runtime;

/// <summary>
/// Envoy's runtime snapshot: values by key from layered_runtime (static layers, then the admin layer),
/// read where Envoy reads them (runtime_fraction on route matches, runtime_key on fractional percents,
/// RuntimeFeatureFlag). A key no layer sets gives the caller's default.
/// </summary>
public interface IRuntime
{
    /// <summary>The final value of <paramref name="key"/>, or null when no layer sets it.</summary>
    string? GetValue(string key);

    /// <summary>Envoy's getInteger: the value as an unsigned integer, else the default.</summary>
    ulong GetInteger(string key, ulong defaultValue);

    /// <summary>Envoy's getBoolean / RuntimeFeatureFlag: "true"/"false" (or 1/0), else the default.</summary>
    bool GetBoolean(string key, bool defaultValue);

    /// <summary>
    /// Envoy's featureEnabled(key, FractionalPercent, random): the runtime's fraction (an integer numerator
    /// over the default's denominator, or key.numerator/key.denominator) or the default, drawn with <paramref name="random"/>.
    /// </summary>
    bool FractionEnabled(FractionalPercentConfig defaultValue, string runtimeKey, ulong random);
}
