using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads an envoy.type.matcher.v3.StringMatcher for filters (the route reader's own rules).</summary>
public static class StringMatcherReader
{
    public const string MessageType = "envoy.type.matcher.v3.StringMatcher";

    public static StringMatcherConfig Read(MessageReader matcher) => RouteConfigReader.ReadStringMatcher(matcher);
}
