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
        Span<int> scores = _chains.Length <= 64 ? stackalloc int[_chains.Length] : new int[_chains.Length];
        alive.Fill(true);
        var connection = new Connection(
            info,
            DownstreamConnectionInfo.Plain(info.LocalEndPoint),
            DownstreamConnectionInfo.Plain(info.RemoteEndPoint),
            DownstreamConnectionInfo.Plain(info.DirectRemoteEndPoint));
        for (var step = Step.DestinationPort; step <= Step.SourcePort; step++)
        {
            if (!Narrow(alive, scores, step, connection))
            {
                return null;
            }
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

    /// <summary>Envoy's matching steps, in its order.</summary>
    private enum Step
    {
        DestinationPort,
        DestinationIp,
        ServerName,
        TransportProtocol,
        ApplicationProtocol,
        DirectSourceIp,
        SourceType,
        SourceIp,
        SourcePort,
    }

    /// <summary>The connection's addresses, normalised once (IPv4-mapped to IPv4).</summary>
    private readonly record struct Connection(DownstreamConnectionInfo Info, IPEndPoint Local, IPEndPoint Remote, IPEndPoint Direct);

    /// <summary>
    /// Keeps the live chains with the highest score at <paramref name="step"/>: -1 = does not match,
    /// 0 = criterion left empty (matches anything), above 0 = matches, higher is more specific. False
    /// when none is left.
    /// </summary>
    private bool Narrow(Span<bool> alive, Span<int> scores, Step step, in Connection c)
    {
        var best = -1;
        for (var i = 0; i < _chains.Length; i++)
        {
            scores[i] = alive[i] ? Score(_chains[i].Config.Match, step, c) : -1;
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

    private static int Score(FilterChainMatchConfig m, Step step, in Connection c) => step switch
    {
        Step.DestinationPort => m.DestinationPort is null ? 0 : m.DestinationPort == c.Local.Port ? 1 : -1,
        Step.DestinationIp => PrefixScore(m.PrefixRanges, c.Local.Address),
        Step.ServerName => ServerNameScore(m.ServerNames, c.Info.ServerName),
        Step.TransportProtocol => m.TransportProtocol.Length == 0 ? 0 : m.TransportProtocol == c.Info.TransportProtocol ? 1 : -1,
        Step.ApplicationProtocol => AlpnScore(m.ApplicationProtocols, c.Info.ApplicationProtocols),
        Step.DirectSourceIp => PrefixScore(m.DirectSourcePrefixRanges, c.Direct.Address),
        Step.SourceType => SourceTypeScore(m.SourceType, c.Remote.Address, c.Local.Address),
        Step.SourceIp => PrefixScore(m.SourcePrefixRanges, c.Remote.Address),
        _ => m.SourcePorts.Count == 0 ? 0 : m.SourcePorts.Contains(c.Remote.Port) ? 1 : -1,
    };

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
