using System.Buffers;

namespace Gateway.Proxy;

/// <summary>
/// The request body as the router passes it upstream, installed only for requests with a body that
/// need it. It notices the end of the body (Envoy arms the route timeout when the request is complete,
/// not when it starts) and, while retries are possible, keeps a copy of what went upstream so a retry
/// can send it again (Envoy buffers up to the buffer limit; a body over it gives up on retrying, counted
/// in <c>retry_or_shadow_abandoned</c>, and is streamed on). Only one attempt reads it at a time.
/// </summary>
internal sealed class RouterRequestBody : Stream
{
    private readonly Stream _inner;
    private readonly int _limit;
    private readonly RequestDeadline? _deadline;
    private readonly TimeSpan _routeTimeout;
    private byte[]? _buffer;
    private int _buffered;
    private int _position;
    private bool _ended;

    /// <param name="inner">The request body as the connection manager (and the decoder filters) give it.</param>
    /// <param name="bufferLimit">The most bytes kept for a retry; negative: keep nothing.</param>
    /// <param name="deadline">The request's deadline, armed with <paramref name="routeTimeout"/> once the whole body was read.</param>
    /// <param name="routeTimeout">The route timeout; zero arms nothing.</param>
    public RouterRequestBody(Stream inner, int bufferLimit, RequestDeadline? deadline, TimeSpan routeTimeout)
    {
        _inner = inner;
        _limit = bufferLimit;
        _deadline = deadline;
        _routeTimeout = routeTimeout;
        Buffering = bufferLimit >= 0;
    }

    /// <summary>The whole body has been read (Envoy's "downstream request complete").</summary>
    public bool Ended => _ended;

    /// <summary>Called once when the downstream body has been read to its end (the per-try timer waits for it).</summary>
    public Action? OnEnded { get; set; }

    /// <summary>True while everything read so far is kept (a retry can replay it).</summary>
    public bool Buffering { get; private set; }

    /// <summary>The body outgrew the buffer limit: retries were given up.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Any byte was read (sent upstream) by the current attempt.</summary>
    public bool Started => _position > 0;

    /// <summary>Starts the next attempt from the first byte. Only valid while <see cref="Buffering"/>.</summary>
    public void Rewind() => _position = 0;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return _inner.Read(buffer);
        }

        if (TryReplay(buffer, out var replayed))
        {
            return replayed;
        }

        var read = _inner.Read(buffer);
        return Consumed(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            // The forwarder's zero-byte read waits for data without a buffer: it says nothing about the end.
            return _position < _buffered || _ended ? default : _inner.ReadAsync(buffer, cancellationToken);
        }

        if (TryReplay(buffer.Span, out var replayed))
        {
            return new ValueTask<int>(replayed);
        }

        var pending = _inner.ReadAsync(buffer, cancellationToken);
        return pending.IsCompletedSuccessfully ? new ValueTask<int>(Consumed(buffer.Span[..pending.Result])) : AwaitRead(pending, buffer);
    }

    private async ValueTask<int> AwaitRead(ValueTask<int> pending, Memory<byte> buffer)
    {
        var read = await pending.ConfigureAwait(false);
        return Consumed(buffer.Span[..read]);
    }

    private bool TryReplay(Span<byte> destination, out int count)
    {
        if (_position < _buffered)
        {
            count = Math.Min(destination.Length, _buffered - _position);
            _buffer.AsSpan(_position, count).CopyTo(destination);
            _position += count;
            return true;
        }

        if (_ended)
        {
            count = 0;
            return true;
        }

        count = 0;
        return false;
    }

    private int Consumed(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            if (!_ended)
            {
                _ended = true;
                OnEnded?.Invoke();
                if (_routeTimeout > TimeSpan.Zero)
                {
                    _deadline?.Arm(DeadlineKind.Route, _routeTimeout);
                }
            }

            return 0;
        }

        _position += data.Length;
        if (Buffering)
        {
            if ((long)_buffered + data.Length > _limit)
            {
                // Envoy gives up on the retry (and any buffering) and streams the rest.
                Buffering = false;
                Overflowed = true;
                ReleaseBuffer();
            }
            else
            {
                Append(data);
            }
        }

        return data.Length;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        var needed = _buffered + data.Length;
        if (_buffer is null || _buffer.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(_limit, Math.Max(4096, (_buffer?.Length ?? 0) * 2))));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _buffered).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = grown;
        }

        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered = needed;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _buffered = 0;
    }

    /// <summary>A copy of the whole body when it was read to its end and kept (for a mirror); null otherwise.</summary>
    public byte[]? CopyOfWholeBody() => _ended && Buffering ? _buffer.AsSpan(0, _buffered).ToArray() : null;

    /// <summary>Drops the copy once no retry can come (the request is over).</summary>
    public void Finish()
    {
        Buffering = false;
        ReleaseBuffer();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
