namespace Gateway.Clusters.Model;

/// <summary>
/// One entry of <c>typed_per_filter_config</c> (route configuration, virtual host, route or weighted
/// cluster), keyed by the http_filters <c>name</c> it applies to. Written either as the filter's own
/// per-route message, or wrapped in <c>envoy.config.route.v3.FilterConfig</c> (<c>disabled</c>,
/// <c>is_optional</c>, <c>config</c>).
/// </summary>
/// <param name="FilterName">The http_filters name this entry configures.</param>
/// <param name="TypeName">The per-route message type (the inner one for a FilterConfig wrapper); "" for a bare <c>disabled</c>.</param>
/// <param name="Disabled">FilterConfig.disabled: the filter does not run for this route (or, when false, a filter disabled in http_filters runs).</param>
/// <param name="Settings">The per-route settings object the owning filter parsed; null for a bare enable/disable.</param>
public sealed record PerFilterConfig(string FilterName, string TypeName, bool Disabled, object? Settings, string YamlPath)
{
    public static readonly IReadOnlyDictionary<string, PerFilterConfig> None =
        new Dictionary<string, PerFilterConfig>(StringComparer.Ordinal);
}
