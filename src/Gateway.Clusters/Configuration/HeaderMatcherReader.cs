using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads an envoy.config.route.v3.HeaderMatcher for filters that match headers the way routes do (health_check).</summary>
public static class HeaderMatcherReader
{
    public const string MessageType = "envoy.config.route.v3.HeaderMatcher";

    public static HeaderMatcherConfig Read(MessageReader header) => RouteConfigReader.ReadHeaderMatcher(header);

    /// <summary>Reads an envoy.type.matcher.v3.StringMatcher (ext_authz header lists, jwt_authn, ...).</summary>
    public static StringMatcherConfig ReadStringMatcher(MessageReader matcher) => RouteConfigReader.ReadStringMatcher(matcher);

    /// <summary>Reads an envoy.config.route.v3.RouteMatch (jwt_authn rules match requests as routes do).</summary>
    public static RouteMatchConfig ReadRouteMatch(MessageReader match) => RouteConfigReader.ReadMatch(match);

    /// <summary>Reads an envoy.config.core.v3.DataSource (inline_string, inline_bytes, filename) to text; null after an error.</summary>
    public static string? ReadDataSource(MessageReader? source) => BootstrapLoader.ReadDataSource(source);
}
