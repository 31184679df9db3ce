using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads an envoy.config.route.v3.HeaderMatcher for filters that match headers the way routes do (health_check).</summary>
public static class HeaderMatcherReader
{
    public const string MessageType = "envoy.config.route.v3.HeaderMatcher";

    public static HeaderMatcherConfig Read(MessageReader header) => RouteConfigReader.ReadHeaderMatcher(header);
}
