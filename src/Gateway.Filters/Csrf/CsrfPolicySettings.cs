using Gateway.Clusters.Model;

namespace Gateway.Filters.Csrf;

/// <summary>envoy.extensions.filters.http.csrf.v3.CsrfPolicy (filter-wide or per route), validated.</summary>
public sealed record CsrfPolicySettings(RuntimeFractionalPercentConfig FilterEnabled, RuntimeFractionalPercentConfig ShadowEnabled, IReadOnlyList<StringMatcherConfig> AdditionalOrigins)
{
    /// <summary>An absent shadow_enabled: never.</summary>
    public static readonly RuntimeFractionalPercentConfig Never = new(FractionalPercentConfig.Zero, null);
}
