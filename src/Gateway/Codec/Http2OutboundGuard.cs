using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Codec;

/// <summary>
/// Envoy's outbound HTTP/2 flood limits (ProtocolConstraints::checkOutboundFrameLimits) over the
/// output of an h2 connection: it reads the headers of the frames Kestrel writes (the bytes go
/// straight to the transport, nothing is copied) and counts the frames queued and not yet handed to
/// the socket. While the transport's own send buffer is full (the peer does not read), Kestrel's
/// flushes of control frames (what it answers the peer's PINGs, SETTINGS and bad streams with) are
/// acknowledged and what it writes then waits here, as in Envoy's connection buffer, up to Envoy's
/// per-connection buffer limit (1 MiB); responses wait for the transport as Kestrel has them wait. More than
/// <c>max_outbound_frames</c> queued frames (default 10000), or more than
/// <c>max_outbound_control_frames</c> queued PING and SETTINGS acknowledgements and RST_STREAMs
/// (default 1000), close the connection without flushing, counting <c>http2.outbound_flood</c> /
/// <c>http2.outbound_control_flood</c>. It also counts the DATA frames sent, which bound the
/// WINDOW_UPDATE frames the peer may send (<see cref="Http2FloodGuard"/>).
/// </summary>
internal sealed class Http2OutboundGuard : PipeWriter
{
    private const byte Data = 0x0, RstStream = 0x3, Settings = 0x4, Ping = 0x6, Ack = 0x1;

    /// <summary>Envoy's default per_connection_buffer_limit_bytes: past it a queue's writers wait (the high watermark).</summary>
    private const int QueueByteLimit = 1024 * 1024;

    /// <summary>Process-wide, as Envoy's http2.* codec stats.</summary>
    public static long OutboundFlood;
    public static long OutboundControlFlood;

    private readonly PipeWriter _inner;
    private readonly ConnectionContext _connection;
    private readonly long _maxFrames;
    private readonly long _maxControlFrames;
    private readonly object _sync = new();

    // Frame scanner over the output byte stream: a header may straddle two writes.
    private Http2FrameHeaderReader _frames;

    // Frames written and not yet handed to the transport (a flush hands them over).
    private long _queuedFrames;
    private long _queuedControlFrames;
    private long _dataFrames;
    private bool _batchHasOtherFrames;
    private bool _tripped;

    // The memory handed out by the last GetMemory, and whether it is the overflow's.
    private Memory<byte> _lastMemory;
    private bool _writingOverflow;
    private bool _writing;

    // The transport's flush still under way (its buffer is full), and what Kestrel wrote meanwhile.
    private Task<FlushResult>? _innerFlush;
    private ArrayBufferWriter<byte>? _overflow;
    private bool _drainAfterWrite;
    private TaskCompletionSource<FlushResult>? _waiter;
    private bool _completePending;
    private Exception? _completeError;

    // The transport failed or closed under a flush: what is written from then on is dropped.
    private Task<FlushResult>? _lost;

    public Http2OutboundGuard(PipeWriter inner, ConnectionContext connection, long maxOutboundFrames, long maxOutboundControlFrames)
    {
        _inner = inner;
        _connection = connection;
        _maxFrames = maxOutboundFrames;
        _maxControlFrames = maxOutboundControlFrames;
    }

    /// <summary>DATA frames written to the peer so far (Envoy's outbound_data_frames_).</summary>
    public long DataFramesSent => Volatile.Read(ref _dataFrames);

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes + (_overflow?.WrittenCount ?? 0);

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        lock (_sync)
        {
            _writing = true;
            // A drain still owed (the flush ended during an earlier write) keeps the order: overflow first.
            _writingOverflow = _innerFlush is not null || _drainAfterWrite || _lost is not null;
            _lastMemory = _writingOverflow ? (_overflow ??= new ArrayBufferWriter<byte>(4096)).GetMemory(Math.Max(sizeHint, 1)) : _inner.GetMemory(sizeHint);
            return _lastMemory;
        }
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        bool trippedNow;
        lock (_sync)
        {
            trippedNow = !_tripped && Scan(_lastMemory.Span[..bytes]);
            if (_writingOverflow)
            {
                _overflow!.Advance(bytes);
                if (_lost is not null)
                {
                    _overflow.ResetWrittenCount();
                }
            }
            else
            {
                _inner.Advance(bytes);
            }

            _lastMemory = default;
            _writing = false;
            if (_drainAfterWrite)
            {
                _drainAfterWrite = false;
                Drain();
            }
        }

        if (trippedNow)
        {
            // Envoy closes without flushing: a flooded queue means the peer is not reading.
            _connection.Abort(new ConnectionAbortedException(_queuedFrames > _maxFrames
                ? "Too many frames in the outbound queue." : "Too many control frames in the outbound queue."));
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_lost is { } lost)
            {
                return lost.IsCompletedSuccessfully ? new ValueTask<FlushResult>(lost.Result) : new ValueTask<FlushResult>(lost);
            }

            // Only what Envoy calls control frames (PING/SETTINGS ACKs, RST_STREAM, answers to what the
            // peer sends) may queue past a full transport; responses wait for it as Kestrel has them wait.
            var controlOnly = !_batchHasOtherFrames;
            _batchHasOtherFrames = false;
            if (_innerFlush is null && !_drainAfterWrite)
            {
                var flush = _inner.FlushAsync(cancellationToken);
                _queuedFrames = _queuedControlFrames = 0;
                if (flush.IsCompleted || !controlOnly)
                {
                    return flush;
                }

                // The transport's buffer is full: Kestrel goes on reading, what it answers queues here (counted).
                Await(flush);
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
            }

            if (controlOnly && (_overflow?.WrittenCount ?? 0) <= QueueByteLimit)
            {
                return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
            }

            _waiter ??= new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask<FlushResult>(_waiter.Task);
        }
    }

    public override void CancelPendingFlush()
    {
        _inner.CancelPendingFlush();
        lock (_sync)
        {
            _waiter?.TrySetResult(new FlushResult(isCanceled: true, isCompleted: false));
            _waiter = null;
        }
    }

    public override void Complete(Exception? exception = null)
    {
        lock (_sync)
        {
            if (_innerFlush is not null && _lost is null)
            {
                // The queue goes out first; the transport completes once it has.
                (_completePending, _completeError) = (true, exception);
                return;
            }
        }

        _inner.Complete(exception);
    }

    /// <summary>Under the lock: watches a flush the transport has not finished.</summary>
    private void Await(ValueTask<FlushResult> flush)
    {
        var task = flush.AsTask();
        _innerFlush = task;
        // Not synchronously: the flush may finish while the lock is still held here.
        task.ContinueWith(static (t, state) => ((Http2OutboundGuard)state!).OnInnerFlushed(t), this,
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void OnInnerFlushed(Task<FlushResult> flush)
    {
        lock (_sync)
        {
            _innerFlush = null;
            if (!flush.IsCompletedSuccessfully || flush.Result.IsCompleted)
            {
                // The transport is gone: the queue cannot be sent.
                _lost = flush;
                _overflow?.ResetWrittenCount();
                Release(flush);
                return;
            }

            if (_writing)
            {
                // Kestrel is between GetMemory and Advance: the drain waits for its Advance.
                _drainAfterWrite = true;
                return;
            }

            Drain();
        }
    }

    /// <summary>Under the lock, with no flush under way: hands the queue to the transport.</summary>
    private void Drain()
    {
        if (_overflow is { WrittenCount: > 0 } overflow)
        {
            _inner.Write(overflow.WrittenSpan);
            _overflow = overflow.Capacity > 64 * 1024 ? null : overflow;
            overflow.ResetWrittenCount();
            var flush = _inner.FlushAsync();
            _queuedFrames = _queuedControlFrames = 0;
            if (!flush.IsCompleted)
            {
                Await(flush);
                return;
            }

            Release(flush.AsTask());
            return;
        }

        Release(Task.FromResult(new FlushResult(isCanceled: false, isCompleted: false)));
    }

    /// <summary>Under the lock: the queue is empty (or lost); a waiting writer and a pending completion go on.</summary>
    private void Release(Task<FlushResult> flush)
    {
        if (_waiter is { } waiter)
        {
            _waiter = null;
            if (flush.IsCompletedSuccessfully)
            {
                waiter.TrySetResult(flush.Result);
            }
            else
            {
                waiter.TrySetException(flush.Exception?.InnerException ?? new ConnectionAbortedException());
            }
        }

        if (_completePending)
        {
            _completePending = false;
            _inner.Complete(_completeError);
        }
    }

    /// <summary>Counts the frames whose headers <paramref name="bytes"/> hold; true when a limit is passed.</summary>
    private bool Scan(ReadOnlySpan<byte> bytes)
    {
        while (_frames.TryRead(ref bytes, out _, out var type, out var flags, out _))
        {
            _queuedFrames++;
            if (type == RstStream || ((type == Ping || type == Settings) && (flags & Ack) != 0))
            {
                _queuedControlFrames++;
            }
            else
            {
                _batchHasOtherFrames = true;
                if (type == Data)
                {
                    Volatile.Write(ref _dataFrames, _dataFrames + 1);
                }
            }

            // Envoy checks the whole queue first, then the control frames in it.
            if (_queuedFrames > _maxFrames)
            {
                Interlocked.Increment(ref OutboundFlood);
                _tripped = true;
                return true;
            }

            if (_queuedControlFrames > _maxControlFrames)
            {
                Interlocked.Increment(ref OutboundControlFlood);
                _tripped = true;
                return true;
            }
        }

        return false;
    }
}
