namespace Gateway.Clusters.Model;

/// <summary>One route: a match and exactly one action (forward, direct response or redirect).</summary>
public sealed record RouteConfig(
    string? Name,
    RouteMatchConfig Match,
    RouteActionConfig? Forward,
    DirectResponseConfig? DirectResponse,
    RedirectConfig? Redirect,
    HeaderMutationConfig Headers,
    string YamlPath)
{
    /// <summary>typed_per_filter_config, keyed by http filter name (parsed by each filter).</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; init; } = PerFilterConfig.None;

    /// <summary>decorator.operation: the name of the request's span when the HCM traces; null: Envoy's default name.</summary>
    public string? DecoratorOperation { get; init; }

    /// <summary>per_request_buffer_limit_bytes of the route (else the virtual host's): how much request body a retry may buffer; null = the connection limit.</summary>
    public long? PerRequestBufferLimitBytes { get; init; }
}
