namespace Gateway.Codec;

/// <summary>
/// Follows the frames of an HTTP/2 byte stream arriving in pieces: skips payloads and assembles each 9-byte
/// frame header, for the guards that count frames without parsing or copying them (Http2FloodGuard on the
/// input, Http2OutboundGuard on the output). A mutable struct, kept as a field of its one owner.
/// </summary>
internal struct Http2FrameHeaderReader
{
    private const int HeaderLength = 9;

    private InlineHeader _header;
    private int _fill;

    /// <summary>Bytes still to pass over before the next frame header (a payload, or the client preface).</summary>
    public long Skip;

    public Http2FrameHeaderReader(long skip) => Skip = skip;

    /// <summary>
    /// Consumes <paramref name="bytes"/> up to the end of the next whole frame header and returns it, with
    /// <see cref="Skip"/> set to its payload length; false when the bytes ran out first (the state is kept).
    /// </summary>
    public bool TryRead(ref ReadOnlySpan<byte> bytes, out int length, out byte type, out byte flags, out int stream)
    {
        while (!bytes.IsEmpty)
        {
            if (Skip > 0)
            {
                var n = (int)Math.Min(Skip, bytes.Length);
                Skip -= n;
                bytes = bytes[n..];
                continue;
            }

            var take = Math.Min(HeaderLength - _fill, bytes.Length);
            Span<byte> header = _header;
            bytes[..take].CopyTo(header[_fill..]);
            _fill += take;
            bytes = bytes[take..];
            if (_fill < HeaderLength)
            {
                break;
            }

            _fill = 0;
            length = (header[0] << 16) | (header[1] << 8) | header[2];
            type = header[3];
            flags = header[4];
            stream = ((header[5] & 0x7f) << 24) | (header[6] << 16) | (header[7] << 8) | header[8];
            Skip = length;
            return true;
        }

        (length, type, flags, stream) = (0, 0, 0, 0);
        return false;
    }

    [System.Runtime.CompilerServices.InlineArray(HeaderLength)]
    private struct InlineHeader
    {
        private byte _first;
    }
}
