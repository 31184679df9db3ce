namespace Gateway.Clusters.Model;

/// <summary>
/// One entry of <c>http_filters</c>, already parsed by the filter that owns it.
/// <paramref name="Settings"/> is that filter's own config type (see Gateway.Filters).
/// </summary>
public sealed record HttpFilterConfig(string Name, string TypeName, object? Settings, string YamlPath)
{
    /// <summary>http_filters[].disabled: built, but run only on routes whose typed_per_filter_config enables it.</summary>
    public bool Disabled { get; init; }

    /// <summary>The owning HCM's stats prefix, <c>http.&lt;stat_prefix&gt;.</c>, which Envoy hands each filter factory (cors., fault. stats hang under it).</summary>
    public string StatPrefix { get; init; } = "";
}
