namespace Gateway.Clusters.Configuration;

/// <summary>
/// Parses the typed_config of one kind of HTTP filter, and its per-route config. Each filter owns its
/// config parsing (Gateway.Filters supplies the implementations); the bootstrap loader only finds the
/// right parser, and refuses a filter no parser claims.
/// </summary>
public interface IHttpFilterConfigParser
{
    /// <summary>True when this parser handles a filter of this Envoy type (e.g. ...router.v3.Router).</summary>
    bool CanParse(string typeName);

    /// <summary>
    /// Reads the filter's config, reporting problems through <paramref name="config"/>'s context, and
    /// returns the filter's own settings object (stored in <see cref="Model.HttpFilterConfig.Settings"/>).
    /// </summary>
    object? Parse(string filterName, TypedMessage config);

    /// <summary>True when this parser handles this per-route message type (e.g. ...cors.v3.CorsPolicy) in typed_per_filter_config.</summary>
    bool CanParsePerRoute(string typeName) => false;

    /// <summary>Reads a per-route config message; returns the settings the filter reads back at request time.</summary>
    object? ParsePerRoute(string filterName, TypedMessage config) => null;
}
