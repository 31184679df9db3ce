namespace Gateway.Codec;

/// <summary>
/// The request body as the server reads it, passed through: each read stamps the stream's activity
/// and the end of the body marks the request complete (request_timeout disarmed, Envoy's
/// remoteDecodeComplete). A read that completes at once costs no state machine.
/// </summary>
internal sealed class WatchedRequestStream : Stream
{
    private readonly StreamWatch _watch;
    private Stream _inner = Null;

    public WatchedRequestStream(StreamWatch watch)
    {
        _watch = watch;
    }

    /// <summary>Wraps this request's body (the wrapper is kept with its watch, one request at a time).</summary>
    public WatchedRequestStream Wrap(Stream inner)
    {
        _inner = inner;
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
        var pending = _inner.ReadAsync(buffer, cancellationToken);
        return pending.IsCompletedSuccessfully ? new ValueTask<int>(Done(pending.Result, buffer.Length)) : AwaitedAsync(pending, buffer.Length);
    }

    private async ValueTask<int> AwaitedAsync(ValueTask<int> pending, int asked) => Done(await pending.ConfigureAwait(false), asked);

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
