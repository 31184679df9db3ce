using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Network;

/// <summary>
/// Reads SNI and ALPN from a TLS ClientHello without terminating TLS (what tls_inspector does). Only
/// the first record is read; a ClientHello split over several records yields what that record holds.
/// </summary>
internal static class TlsClientHello
{
    /// <summary>The largest TLS record (16 KiB plus header); more is never needed to decide.</summary>
    public const int MaxRecord = 5 + 16384 + 256;

    public static InspectionResult TryParse(ReadOnlySequence<byte> data, out string? serverName, out IReadOnlyList<string> alpn)
    {
        serverName = null;
        alpn = [];
        if (data.Length < 5)
        {
            return data.Length > 0 && data.FirstSpan[0] != 0x16 ? InspectionResult.NotFound : InspectionResult.NeedMore;
        }

        Span<byte> header = stackalloc byte[5];
        data.Slice(0, 5).CopyTo(header);
        // Handshake record, TLS major version 3 (SSL 3.0 to TLS 1.3 all write 3.x here).
        if (header[0] != 0x16 || header[1] != 0x03)
        {
            return InspectionResult.NotFound;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (length > 16384 + 256)
        {
            return InspectionResult.NotFound;
        }

        if (data.Length < 5 + length)
        {
            return InspectionResult.NeedMore;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            data.Slice(5, length).CopyTo(rented);
            return ParseHandshake(rented.AsSpan(0, length), out serverName, out alpn);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static InspectionResult ParseHandshake(ReadOnlySpan<byte> record, out string? serverName, out IReadOnlyList<string> alpn)
    {
        serverName = null;
        alpn = [];
        // Handshake: type 1 (ClientHello), 3-byte length.
        if (record.Length < 4 || record[0] != 0x01)
        {
            return InspectionResult.NotFound;
        }

        var body = record[4..];
        var bodyLength = (record[1] << 16) | (record[2] << 8) | record[3];
        if (bodyLength < body.Length)
        {
            body = body[..bodyLength];
        }

        var reader = new SpanCursor(body);
        // client_version(2) random(32) session_id<0..32> cipher_suites<2..> compression_methods<1..>
        if (!reader.Skip(34) || !reader.SkipVector(1) || !reader.SkipVector(2) || !reader.SkipVector(1))
        {
            return InspectionResult.Found; // TLS, but truncated before the extensions: no SNI/ALPN.
        }

        if (!reader.TryReadVector(2, out var extensions))
        {
            return InspectionResult.Found;
        }

        var ext = new SpanCursor(extensions);
        List<string>? protocols = null;
        while (ext.TryReadUInt16(out var type) && ext.TryReadVector(2, out var value))
        {
            if (type == 0)
            {
                // server_name: list<2> of { name_type(1) = host_name(0), name<2> }.
                var list = new SpanCursor(value);
                if (list.TryReadVector(2, out var names))
                {
                    var entries = new SpanCursor(names);
                    while (entries.TryReadByte(out var nameType) && entries.TryReadVector(2, out var name))
                    {
                        if (nameType == 0 && name.Length > 0)
                        {
                            serverName = Encoding.ASCII.GetString(name).ToLowerInvariant();
                            break;
                        }
                    }
                }
            }
            else if (type == 16)
            {
                // application_layer_protocol_negotiation: list<2> of protocol<1>.
                var list = new SpanCursor(value);
                if (list.TryReadVector(2, out var names))
                {
                    var entries = new SpanCursor(names);
                    while (entries.TryReadVector(1, out var name))
                    {
                        (protocols ??= []).Add(Encoding.ASCII.GetString(name));
                    }
                }
            }
        }

        alpn = (IReadOnlyList<string>?)protocols ?? [];
        return InspectionResult.Found;
    }

    /// <summary>A bounds-checked reader over TLS's length-prefixed vectors.</summary>
    private ref struct SpanCursor
    {
        private ReadOnlySpan<byte> _rest;

        public SpanCursor(ReadOnlySpan<byte> data) => _rest = data;

        public bool Skip(int count)
        {
            if (_rest.Length < count)
            {
                return false;
            }

            _rest = _rest[count..];
            return true;
        }

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (_rest.Length < 1)
            {
                return false;
            }

            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool TryReadUInt16(out int value)
        {
            value = 0;
            if (_rest.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            _rest = _rest[2..];
            return true;
        }

        public bool TryReadVector(int lengthBytes, out ReadOnlySpan<byte> value)
        {
            value = default;
            int length;
            if (lengthBytes == 1)
            {
                if (!TryReadByte(out var b))
                {
                    return false;
                }

                length = b;
            }
            else if (!TryReadUInt16(out length))
            {
                return false;
            }

            if (_rest.Length < length)
            {
                return false;
            }

            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }

        public bool SkipVector(int lengthBytes) => TryReadVector(lengthBytes, out _);
    }
}
