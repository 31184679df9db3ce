using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Gateway.Network;

/// <summary>
/// Parses a PROXY protocol header (HAProxy's v1 text and v2 binary forms), as Envoy's
/// proxy_protocol listener filter: the addresses it carries become the connection's remote (source)
/// and local (destination) addresses. TLVs are skipped. LOCAL (v2) and UNKNOWN (v1) keep the socket's.
/// </summary>
internal static class ProxyProtocolHeader
{
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    /// <summary>v1's longest line: 107 bytes with CRLF.</summary>
    private const int V1MaxLength = 107;

    public static InspectionResult TryParse(ReadOnlySequence<byte> data, out int consumed, out IPEndPoint? source, out IPEndPoint? destination)
    {
        consumed = 0;
        source = null;
        destination = null;
        Span<byte> head = stackalloc byte[16];
        var headLength = (int)Math.Min(data.Length, head.Length);
        data.Slice(0, headLength).CopyTo(head);
        head = head[..headLength];

        if (StartsLike(head, V2Signature))
        {
            if (head.Length < 16)
            {
                return InspectionResult.NeedMore;
            }

            return ParseV2(data, head, out consumed, out source, out destination);
        }

        if (StartsLike(head, V1Signature))
        {
            if (head.Length < V1Signature.Length)
            {
                return InspectionResult.NeedMore;
            }

            return ParseV1(data, out consumed, out source, out destination);
        }

        return InspectionResult.NotFound;
    }

    /// <summary>True when <paramref name="head"/> is a prefix of <paramref name="signature"/> or starts with it.</summary>
    private static bool StartsLike(ReadOnlySpan<byte> head, ReadOnlySpan<byte> signature)
    {
        var n = Math.Min(head.Length, signature.Length);
        return n > 0 && head[..n].SequenceEqual(signature[..n]);
    }

    private static InspectionResult ParseV2(ReadOnlySequence<byte> data, ReadOnlySpan<byte> head, out int consumed, out IPEndPoint? source, out IPEndPoint? destination)
    {
        consumed = 0;
        source = null;
        destination = null;
        var versionCommand = head[12];
        var family = head[13];
        var length = BinaryPrimitives.ReadUInt16BigEndian(head[14..]);
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0F) > 1)
        {
            return InspectionResult.Invalid;
        }

        if (data.Length < 16 + length)
        {
            return InspectionResult.NeedMore;
        }

        consumed = 16 + length;
        if ((versionCommand & 0x0F) == 0)
        {
            return InspectionResult.Found; // LOCAL: a health check from the proxy itself; addresses stay.
        }

        Span<byte> addresses = stackalloc byte[36];
        switch (family)
        {
            case 0x11 when length >= 12: // TCP over IPv4
                data.Slice(16, 12).CopyTo(addresses);
                source = new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..]));
                destination = new IPEndPoint(new IPAddress(addresses[4..8]), BinaryPrimitives.ReadUInt16BigEndian(addresses[10..]));
                return InspectionResult.Found;
            case 0x21 when length >= 36: // TCP over IPv6
                data.Slice(16, 36).CopyTo(addresses);
                source = new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..]));
                destination = new IPEndPoint(new IPAddress(addresses[16..32]), BinaryPrimitives.ReadUInt16BigEndian(addresses[34..]));
                return InspectionResult.Found;
            case 0x11 or 0x21:
                return InspectionResult.Invalid;
            default:
                return InspectionResult.Found; // UNSPEC, UDP or unix: the header is skipped, addresses stay.
        }
    }

    private static InspectionResult ParseV1(ReadOnlySequence<byte> data, out int consumed, out IPEndPoint? source, out IPEndPoint? destination)
    {
        consumed = 0;
        source = null;
        destination = null;
        Span<byte> line = stackalloc byte[V1MaxLength];
        var available = (int)Math.Min(data.Length, V1MaxLength);
        data.Slice(0, available).CopyTo(line);
        var end = line[..available].IndexOf("\r\n"u8);
        if (end < 0)
        {
            return available >= V1MaxLength ? InspectionResult.Invalid : InspectionResult.NeedMore;
        }

        consumed = end + 2;
        var text = Encoding.ASCII.GetString(line[..end]);
        var parts = text.Split(' ');
        if (parts.Length >= 2 && parts[1] == "UNKNOWN")
        {
            return InspectionResult.Found;
        }

        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6")
            || !IPAddress.TryParse(parts[2], out var src) || !IPAddress.TryParse(parts[3], out var dst)
            || !ushort.TryParse(parts[4], out var srcPort) || !ushort.TryParse(parts[5], out var dstPort)
            || (parts[1] == "TCP4") != (src.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            || src.AddressFamily != dst.AddressFamily)
        {
            return InspectionResult.Invalid;
        }

        source = new IPEndPoint(src, srcPort);
        destination = new IPEndPoint(dst, dstPort);
        return InspectionResult.Found;
    }
}
