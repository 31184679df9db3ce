using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads a list of envoy.config.core.v3.HeaderValueOption for filters (the route reader's own rules).</summary>
public static class HeaderValueOptionReader
{
    public const string MessageType = "envoy.config.core.v3.HeaderValueOption";

    public static IReadOnlyList<HeaderValueOptionConfig> ReadList(MessageReader owner, string field) =>
        RouteConfigReader.ReadHeaderValues(owner.Messages(field, MessageType));

    /// <summary>Reads HeaderValueOption messages already taken (e.g. the single <c>append</c> of a header mutation rule).</summary>
    public static IReadOnlyList<HeaderValueOptionConfig> Read(IReadOnlyList<MessageReader> options) => RouteConfigReader.ReadHeaderValues(options);
}
