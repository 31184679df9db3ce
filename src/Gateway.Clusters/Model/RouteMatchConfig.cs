namespace Gateway.Clusters.Model;

/// <summary>Envoy's RouteMatch: one path specifier plus headers and query parameters, all ANDed.</summary>
public sealed record RouteMatchConfig(
    PathMatchKind Kind,
    string Value,
    bool CaseSensitive,
    IReadOnlyList<HeaderMatcherConfig> Headers,
    IReadOnlyList<QueryParameterMatcherConfig> QueryParameters)
{
    /// <summary>runtime_fraction: the route matches only this fraction of requests (runtime key may override), or null.</summary>
    public RuntimeFractionalPercentConfig? RuntimeFraction { get; init; }

    /// <summary>grpc: the route matches only gRPC requests (content-type application/grpc or application/grpc+...).</summary>
    public bool Grpc { get; init; }
}
