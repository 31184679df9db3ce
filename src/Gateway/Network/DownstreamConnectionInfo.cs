using System.Net;

namespace Gateway.Network;

/// <summary>
/// What the listener filters learnt about one accepted connection, and what filter_chain_match reads:
/// addresses (PROXY protocol or original_dst may replace the socket's), transport protocol, SNI, ALPN.
/// </summary>
internal sealed class DownstreamConnectionInfo
{
    public DownstreamConnectionInfo(IPEndPoint local, IPEndPoint remote)
    {
        LocalEndPoint = local;
        RemoteEndPoint = remote;
        DirectRemoteEndPoint = remote;
    }

    /// <summary>The destination: the socket's local address, or the original one (PROXY header, original_dst).</summary>
    public IPEndPoint LocalEndPoint { get; set; }

    /// <summary>The source: the peer, or the client a PROXY header names (%DOWNSTREAM_REMOTE_ADDRESS%).</summary>
    public IPEndPoint RemoteEndPoint { get; set; }

    /// <summary>The socket's peer, whatever a PROXY header says (%DOWNSTREAM_DIRECT_REMOTE_ADDRESS%).</summary>
    public IPEndPoint DirectRemoteEndPoint { get; }

    /// <summary><c>tls</c> or <c>raw_buffer</c> once decided.</summary>
    public string TransportProtocol { get; set; } = "";

    /// <summary>SNI from the ClientHello, lower-case; null without one.</summary>
    public string? ServerName { get; set; }

    /// <summary>ALPN offered by the client (TLS), or what http_inspector detected (cleartext).</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; set; } = [];

    /// <summary>Normalises a dual-stack address to plain IPv4 so IPv4 prefixes match.</summary>
    public static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
