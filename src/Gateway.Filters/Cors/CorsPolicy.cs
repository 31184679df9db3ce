using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;
using Gateway.Clusters.Runtime;

namespace Gateway.Filters.Cors;

/// <summary>A <see cref="CorsPolicyConfig"/> with its origin matchers compiled once per config load (Envoy's Router::CorsPolicy).</summary>
public sealed class CorsPolicy
{
    public CorsPolicy(CorsPolicyConfig config)
    {
        Config = config;
        AllowOrigins = config.AllowOrigins.Select(m => new StringMatcher(m)).ToArray();
    }

    public CorsPolicyConfig Config { get; }

    public StringMatcher[] AllowOrigins { get; }

    /// <summary>filter_enabled; enabled for every request when unset.</summary>
    public bool Enabled(IRuntime? runtime) => Config.FilterEnabled is not { } percent || runtime.IsEnabled(percent);

    /// <summary>shadow_enabled; off when unset.</summary>
    public bool ShadowEnabled(IRuntime? runtime) => Config.ShadowEnabled is { } percent && runtime.IsEnabled(percent);
}
