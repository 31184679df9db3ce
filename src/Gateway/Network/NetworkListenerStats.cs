using Gateway.Proxy;

namespace Gateway.Network;

/// <summary>
/// A network listener's <c>listener.&lt;address&gt;.*</c> stats: the downstream_cx_* pair every
/// listener has (counted by the Kestrel middleware, as for HTTP listeners) and the chain-matching and
/// listener-filter counters. Kept across reloads by listener name.
/// </summary>
public sealed class NetworkListenerStats
{
    public HttpConnectionManagerStats Connections { get; } = new();

    public long NoFilterChainMatch;
    public long DownstreamPreCxTimeout;
    public long ProxyProtocolError;
}
