using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads an envoy.type.matcher.v3.StringMatcher for filters (csrf additional_origins, rbac, header_mutation).</summary>
public static class StringMatcherReader
{
    public const string MessageType = "envoy.type.matcher.v3.StringMatcher";

    public static StringMatcherConfig Read(MessageReader matcher) => RouteConfigReader.ReadStringMatcher(matcher);
}
