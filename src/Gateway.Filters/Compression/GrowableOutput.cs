using System.Buffers;

namespace Gateway.Filters.Compression;

/// <summary>The write end a compressing or decompressing stream writes into; the filter takes the bytes after each chunk.</summary>
internal sealed class GrowableOutput : Stream
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Reset() => _buffer.ResetWrittenCount();

    public override void Write(ReadOnlySpan<byte> buffer) => _buffer.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _buffer.Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _buffer.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _buffer.WrittenCount;

    public override long Position { get => _buffer.WrittenCount; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
