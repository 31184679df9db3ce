using System.Net;
using Gateway.Clusters.Model;

namespace Gateway.Network;

/// <summary>
/// Picks a filter chain as Envoy's filter chain manager does: criteria in the order destination
/// port, destination IP (prefix_ranges), server_names, transport_protocol, application_protocols,
/// direct source IP, source type, source IP, source port. At each step the chains with the most
/// specific value that matches are kept, else those that leave it empty; if none is left there is
/// no match (Envoy does not go back to a less specific branch), and default_filter_chain applies.
/// </summary>
internal sealed class FilterChainSelector
{
    private readonly CompiledFilterChain[] _chains;

    public FilterChainSelector(CompiledFilterChain[] chains) => _chains = chains;

    public CompiledFilterChain? Select(DownstreamConnectionInfo info)
    {
        if (_chains.Length == 0)
        {
            return null;
        }

        if (_chains.Length == 1 && _chains[0].Config.Match.IsAny)
        {
            return _chains[0];
        }

        Span<bool> alive = _chains.Length <= 64 ? stackalloc bool[_chains.Length] : new bool[_chains.Length];
        alive.Fill(true);
        var local = DownstreamConnectionInfo.Plain(info.LocalEndPoint);
        var remote = DownstreamConnectionInfo.Plain(info.RemoteEndPoint);
        var direct = DownstreamConnectionInfo.Plain(info.DirectRemoteEndPoint);

        if (!Narrow(alive, m => m.DestinationPort is null ? 0 : m.DestinationPort == local.Port ? 1 : -1)
            || !Narrow(alive, m => PrefixScore(m.PrefixRanges, local.Address))
            || !Narrow(alive, m => ServerNameScore(m.ServerNames, info.ServerName))
            || !Narrow(alive, m => m.TransportProtocol.Length == 0 ? 0 : m.TransportProtocol == info.TransportProtocol ? 1 : -1)
            || !Narrow(alive, m => AlpnScore(m.ApplicationProtocols, info.ApplicationProtocols))
            || !Narrow(alive, m => PrefixScore(m.DirectSourcePrefixRanges, direct.Address))
            || !Narrow(alive, m => SourceTypeScore(m.SourceType, remote.Address, local.Address))
            || !Narrow(alive, m => PrefixScore(m.SourcePrefixRanges, remote.Address))
            || !Narrow(alive, m => m.SourcePorts.Count == 0 ? 0 : m.SourcePorts.Contains(remote.Port) ? 1 : -1))
        {
            return null;
        }

        for (var i = 0; i < _chains.Length; i++)
        {
            if (alive[i])
            {
                return _chains[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Keeps the live chains with the highest score: -1 = does not match, 0 = criterion left empty
    /// (matches anything), above 0 = matches, higher is more specific. False when none is left.
    /// </summary>
    private bool Narrow(Span<bool> alive, Func<FilterChainMatchConfig, int> score)
    {
        var best = -1;
        Span<int> scores = _chains.Length <= 64 ? stackalloc int[_chains.Length] : new int[_chains.Length];
        for (var i = 0; i < _chains.Length; i++)
        {
            scores[i] = alive[i] ? score(_chains[i].Config.Match) : -1;
            best = Math.Max(best, scores[i]);
        }

        if (best < 0)
        {
            return false;
        }

        for (var i = 0; i < _chains.Length; i++)
        {
            alive[i] = alive[i] && scores[i] == best;
        }

        return true;
    }

    /// <summary>Longest matching prefix length + 1, 0 for no ranges, -1 when none contains the address.</summary>
    private static int PrefixScore(IReadOnlyList<CidrRangeConfig> ranges, IPAddress address)
    {
        if (ranges.Count == 0)
        {
            return 0;
        }

        var best = -1;
        foreach (var range in ranges)
        {
            if (range.PrefixLength + 1 > best && Contains(range, address))
            {
                best = range.PrefixLength + 1;
            }
        }

        return best;
    }

    private static bool Contains(CidrRangeConfig range, IPAddress address)
    {
        var prefix = range.Prefix;
        if (prefix.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> p = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        prefix.TryWriteBytes(p, out _);
        var bits = Math.Min(range.PrefixLength, length * 8);
        var whole = bits / 8;
        if (!a[..whole].SequenceEqual(p[..whole]))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (p[whole] & mask);
    }

    /// <summary>Exact name beats the longest matching <c>*.suffix</c>, which beats an empty list.</summary>
    private static int ServerNameScore(IReadOnlyList<string> names, string? serverName)
    {
        if (names.Count == 0)
        {
            return 0;
        }

        if (string.IsNullOrEmpty(serverName))
        {
            return -1;
        }

        var best = -1;
        foreach (var name in names)
        {
            if (name == serverName)
            {
                return int.MaxValue;
            }

            // "*.example.com" matches any name ending in ".example.com"; longer suffixes are more specific.
            if (name.StartsWith("*.", StringComparison.Ordinal) && serverName.Length > name.Length - 1
                && serverName.EndsWith(name.AsSpan(1), StringComparison.Ordinal))
            {
                best = Math.Max(best, name.Length);
            }
        }

        return best;
    }

    /// <summary>The first of the client's protocols that a chain lists wins (earlier = higher score).</summary>
    private static int AlpnScore(IReadOnlyList<string> configured, IReadOnlyList<string> offered)
    {
        if (configured.Count == 0)
        {
            return 0;
        }

        for (var i = 0; i < offered.Count; i++)
        {
            if (configured.Contains(offered[i]))
            {
                return offered.Count - i;
            }
        }

        return -1;
    }

    private static int SourceTypeScore(ConnectionSourceType type, IPAddress remote, IPAddress local)
    {
        if (type == ConnectionSourceType.Any)
        {
            return 0;
        }

        var isLocal = IPAddress.IsLoopback(remote) || remote.Equals(local);
        return (type == ConnectionSourceType.SameIpOrLoopback) == isLocal ? 1 : -1;
    }
}
