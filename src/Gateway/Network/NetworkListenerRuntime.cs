using Gateway.Clusters.Model;
using Gateway.Proxy;

namespace Gateway.Network;

/// <summary>
/// A network listener compiled for one config load: its listener filters, chain selector and
/// chains. Connections take the one of the snapshot current when they are accepted.
/// </summary>
internal sealed class NetworkListenerRuntime
{
    public NetworkListenerRuntime(ListenerConfig config, CompiledFilterChain[] chains, CompiledFilterChain? defaultChain, NetworkListenerStats stats)
    {
        Config = config;
        Chains = chains;
        DefaultChain = defaultChain;
        Selector = new FilterChainSelector(chains);
        Stats = stats;
        foreach (var filter in config.ListenerFilters)
        {
            switch (filter.Kind)
            {
                case ListenerFilterKind.TlsInspector: TlsInspector = true; break;
                case ListenerFilterKind.HttpInspector: HttpInspector = true; break;
                case ListenerFilterKind.ProxyProtocol: ProxyProtocol = filter; break;
                case ListenerFilterKind.OriginalDst: OriginalDst = true; break;
            }
        }
    }

    public ListenerConfig Config { get; }

    public CompiledFilterChain[] Chains { get; }

    public CompiledFilterChain? DefaultChain { get; }

    public FilterChainSelector Selector { get; }

    public NetworkListenerStats Stats { get; }

    public bool TlsInspector { get; }

    public bool HttpInspector { get; }

    public ListenerFilterConfig? ProxyProtocol { get; }

    public bool OriginalDst { get; }

    public CompiledFilterChain? Select(DownstreamConnectionInfo info) => Selector.Select(info) ?? DefaultChain;
}
