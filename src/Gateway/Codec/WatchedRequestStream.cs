using System.Buffers;
using System.IO.Pipelines;

namespace Gateway.Codec;

/// <summary>
/// The request body as the server reads it, passed through: each read stamps the stream's activity
/// and the end of the body marks the request complete (request_timeout disarmed, Envoy's
/// remoteDecodeComplete). A read that completes at once costs no state machine.
/// </summary>
/// <remarks>
/// Reads go to the server's body <see cref="PipeReader"/>, not its stream, and a cancelled read is a
/// <see cref="PipeReader.CancelPendingRead"/> followed by <c>AdvanceTo</c>: Kestrel's body reader stays "reading"
/// after a read its token cancelled (or its stream threw on a cancelled result), and when the gateway then
/// answers (a stream timeout's 408, an upstream failure) Kestrel's drain of the rest of the body failed with
/// "Reading is already in progress", logged as an error with its stack trace.
/// </remarks>
internal sealed class WatchedRequestStream : Stream
{
    private static readonly Action<object?> CancelRead = static reader => ((PipeReader)reader!).CancelPendingRead();

    private readonly StreamWatch _watch;
    private Stream _inner = Null;
    private PipeReader _reader = null!;

    public WatchedRequestStream(StreamWatch watch)
    {
        _watch = watch;
    }

    /// <summary>Wraps this request's body (the wrapper is kept with its watch, one request at a time).</summary>
    /// <param name="inner">The server's body stream (synchronous reads, where the server allows them).</param>
    /// <param name="reader">The server's body reader, which the asynchronous reads use.</param>
    public WatchedRequestStream Wrap(Stream inner, PipeReader reader)
    {
        _inner = inner;
        _reader = reader;
        return this;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Done(_inner.Read(buffer, offset, count), count);

    public override int Read(Span<byte> buffer) => Done(_inner.Read(buffer), buffer.Length);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _watch.Touch();
        // No token to the server's read (see the remarks): it is turned into CancelPendingRead while the read waits.
        var pending = _reader.ReadAsync(CancellationToken.None);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<int>(Done(Take(pending.Result, buffer.Span, cancellationToken), buffer.Length))
            : AwaitedAsync(pending, buffer, cancellationToken);
    }

    private async ValueTask<int> AwaitedAsync(ValueTask<ReadResult> pending, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ReadResult result;
        using (cancellationToken.UnsafeRegister(CancelRead, _reader))
        {
            result = await pending.ConfigureAwait(false);
        }

        return Done(Take(result, buffer.Span, cancellationToken), buffer.Length);
    }

    /// <summary>Copies what fits and advances the reader past it; a zero-byte read (waiting for data) consumes nothing.</summary>
    private int Take(in ReadResult result, Span<byte> destination, CancellationToken cancellationToken)
    {
        var data = result.Buffer;
        if (result.IsCanceled)
        {
            _reader.AdvanceTo(data.Start);
            throw new OperationCanceledException(cancellationToken);
        }

        var count = (int)Math.Min(data.Length, destination.Length);
        if (count == 0)
        {
            _reader.AdvanceTo(data.Start);
            return 0;
        }

        var taken = data.Slice(0, count);
        taken.CopyTo(destination);
        _reader.AdvanceTo(taken.End);
        return count;
    }

    /// <summary>A read of 0 bytes into a non-empty buffer is the end of the body (the forwarder also makes zero-byte reads to wait for data).</summary>
    private int Done(int read, int asked)
    {
        if (read == 0 && asked > 0)
        {
            _watch.RequestEnded();
        }
        else
        {
            _watch.Touch();
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
