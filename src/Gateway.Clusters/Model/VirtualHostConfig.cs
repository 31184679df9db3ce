namespace Gateway.Clusters.Model;

public sealed record VirtualHostConfig(
    string Name,
    IReadOnlyList<string> Domains,
    IReadOnlyList<RouteConfig> Routes,
    HeaderMutationConfig Headers,
    string YamlPath);
