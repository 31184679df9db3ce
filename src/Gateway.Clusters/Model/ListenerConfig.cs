namespace Gateway.Clusters.Model;

/// <summary>
/// One Envoy listener: an address, its listener filters and filter chains. <see cref="Http"/> and
/// <see cref="Tls"/> are the first HTTP connection manager chain's, for the code that serves HTTP.
/// </summary>
public sealed record ListenerConfig(
    string Name,
    SocketAddressConfig Address,
    HttpConnectionManagerConfig? Http,
    DownstreamTlsConfig? Tls,
    string YamlPath)
{
    /// <summary>filter_chains in config order.</summary>
    public IReadOnlyList<FilterChainConfig> FilterChains { get; init; } = [];

    /// <summary>default_filter_chain: serves connections no filter_chain_match selects.</summary>
    public FilterChainConfig? DefaultFilterChain { get; init; }

    /// <summary>listener_filters in config order (tls_inspector injected when a match needs SNI/ALPN, as Envoy does).</summary>
    public IReadOnlyList<ListenerFilterConfig> ListenerFilters { get; init; } = [];

    /// <summary>listener_filters_timeout (Envoy's default 15 s; zero = none).</summary>
    public TimeSpan ListenerFiltersTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>continue_on_listener_filters_timeout: on timeout pick a chain with what was learnt instead of closing.</summary>
    public bool ContinueOnListenerFiltersTimeout { get; init; }

    /// <summary>
    /// True when the listener is served connection by connection (listener filters, chain matching,
    /// network filters); false for one plain HTTP connection manager chain, served by Kestrel alone.
    /// </summary>
    public bool IsNetwork { get; init; }
}
