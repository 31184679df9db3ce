namespace Gateway.Filters.Compression;

/// <summary>
/// The read end of a decompressing stream fed chunk by chunk: a read returns what has been fed and 0
/// when it is used up, so the decompressor yields everything it can from the data so far and picks up
/// where it stopped when the next chunk is fed.
/// </summary>
internal sealed class FeedInput : Stream
{
    private byte[] _data = [];
    private int _offset;
    private int _length;

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (_data.Length < data.Length)
        {
            _data = new byte[Math.Max(data.Length, 16 * 1024)];
        }

        data.CopyTo(_data);
        _offset = 0;
        _length = data.Length;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _length - _offset);
        _data.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
