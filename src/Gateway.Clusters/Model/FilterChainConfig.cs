namespace Gateway.Clusters.Model;

/// <summary>One filter chain: what selects it, its transport socket and its terminal network filter.</summary>
/// <param name="Index">Position in filter_chains; -1 for default_filter_chain.</param>
public sealed record FilterChainConfig(
    string? Name,
    int Index,
    FilterChainMatchConfig Match,
    DownstreamTlsConfig? Tls,
    NetworkFilterKind Kind,
    HttpConnectionManagerConfig? Http,
    TcpProxyConfig? TcpProxy,
    string? DirectResponse,
    string YamlPath);
