namespace Gateway.Clusters.Model;

/// <summary>
/// A CORS policy: envoy.extensions.filters.http.cors.v3.CorsPolicy (typed_per_filter_config) or the
/// legacy envoy.config.route.v3.CorsPolicy (<c>cors</c> on a virtual host or route action). Unset fields
/// fall back to the next less specific policy, as in Envoy, so they stay null/empty here.
/// </summary>
/// <param name="FilterEnabled">filter_enabled (default_value and runtime_key); null means enabled for every request.</param>
/// <param name="ShadowEnabled">shadow_enabled (default_value and runtime_key); null means no shadow evaluation.</param>
public sealed record CorsPolicyConfig(
    IReadOnlyList<StringMatcherConfig> AllowOrigins,
    string AllowMethods,
    string AllowHeaders,
    string ExposeHeaders,
    string MaxAge,
    bool? AllowCredentials,
    bool? AllowPrivateNetworkAccess,
    bool? ForwardNotMatchingPreflights,
    RuntimeFractionalPercentConfig? FilterEnabled,
    RuntimeFractionalPercentConfig? ShadowEnabled);
