using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.config.core.v3.HeaderValueOption lists the way routes do, for filters that add headers (header_mutation).</summary>
public static class HeaderValueOptionReader
{
    public const string MessageType = "envoy.config.core.v3.HeaderValueOption";

    public static IReadOnlyList<HeaderValueOptionConfig> Read(IReadOnlyList<MessageReader> options) => RouteConfigReader.ReadHeaderValues(options);
}
