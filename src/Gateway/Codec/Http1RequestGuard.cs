using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Tasks.Sources;

namespace Gateway.Codec;

/// <summary>
/// Sits between the socket and Kestrel's HTTP/1 parser and applies Envoy's HTTP/1 codec rules to every
/// request head before Kestrel sees it (<see cref="Http1HeadValidator"/>). A head is passed on only
/// once it is complete; bodies are framed (Content-Length, chunked) without copying, so the next head
/// is found. A refused request is replaced by a stand-in request and end of input, and the refusal is
/// left on the <see cref="DownstreamConnection"/>: the connection manager then answers it as a local
/// reply (local_reply_config, access log, server header apply, as with Envoy's codec errors) and closes.
/// Accepted bytes are handed to Kestrel from the socket's own buffers.
/// </summary>
internal sealed class Http1RequestGuard : PipeReader, IValueTaskSource<ReadResult>
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly PipeReader _inner;
    private readonly DownstreamConnection _connection;
    private readonly Http1Limits _limits;

    private Http1BodyFraming _mode;
    private long _bodyRemaining;
    private ChunkState _chunk;
    private long _chunkSize;
    private int _chunkDigits;

    // Bytes at the start of the inner reader's current buffer whose framing is known (visible to Kestrel).
    private long _framed;
    private ReadOnlySequence<byte> _lastBuffer;
    private bool _passThrough;

    private ReadOnlySequence<byte> _overlay;
    private bool _overlayActive;
    private long _overlayConsumed;
    private long _headWaitStarted;

    // Bytes of the pending (incomplete) head at _framed already searched for its end.
    private long _headSearched;
    private long _headIndex;

    // A read that waits on the socket completes through this one reusable source (one read is
    // outstanding at a time): no allocation per wait, unlike an async method per keep-alive idle.
    private ManualResetValueTaskSourceCore<ReadResult> _source;
    private ValueTask<ReadResult> _pending;
    private CancellationToken _pendingToken;
    private readonly Action _onPendingCompleted;

    public Http1RequestGuard(PipeReader inner, DownstreamConnection connection, Http1Limits limits)
    {
        _inner = inner;
        _connection = connection;
        _limits = limits;
        _onPendingCompleted = OnPendingCompleted;
    }

    private enum ChunkState
    {
        Size,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerStart,
        Trailer,
        TrailerLf,
        EndLf,
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_overlayActive)
        {
            return new ValueTask<ReadResult>(OverlayResult());
        }

        var read = _inner.ReadAsync(cancellationToken);
        if (_passThrough)
        {
            return read.IsCompletedSuccessfully ? new ValueTask<ReadResult>(Remember(read.Result)) : PassThroughAsync(read);
        }

        // Whether the read has completed is asked once: the socket can complete it at any moment, and a
        // buffer taken as "already seen" without being framed would be held back forever.
        if (read.IsCompletedSuccessfully)
        {
            var result = read.Result;
            if (Frame(result, out var framed))
            {
                return new ValueTask<ReadResult>(framed);
            }

            if (_limits.RequestHeadersTimeout is not null)
            {
                return ReadSlowAsync(new ValueTask<ReadResult>(result), cancellationToken);
            }

            // A head has begun but is not complete: hold it back and wait for more.
            _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            read = _inner.ReadAsync(cancellationToken);
        }
        else if (_limits.RequestHeadersTimeout is not null)
        {
            return ReadSlowAsync(read, cancellationToken);
        }

        _source.Reset();
        _pending = read;
        _pendingToken = cancellationToken;
        read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onPendingCompleted);
        return new ValueTask<ReadResult>(this, _source.Version);
    }

    private void OnPendingCompleted()
    {
        try
        {
            var result = _pending.GetAwaiter().GetResult();
            while (true)
            {
                if (_passThrough)
                {
                    _source.SetResult(Remember(result));
                    return;
                }

                if (Frame(result, out var framed))
                {
                    _source.SetResult(framed);
                    return;
                }

                _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                var next = _inner.ReadAsync(_pendingToken);
                if (!next.IsCompleted)
                {
                    _pending = next;
                    next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onPendingCompleted);
                    return;
                }

                result = next.GetAwaiter().GetResult();
            }
        }
        catch (Exception e)
        {
            _source.SetException(e);
        }
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> PassThroughAsync(ValueTask<ReadResult> read) => Remember(await read.ConfigureAwait(false));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadSlowAsync(ValueTask<ReadResult> read, CancellationToken cancellationToken)
    {
        var result = read.IsCompletedSuccessfully ? read.Result : await read.ConfigureAwait(false);
        while (true)
        {
            if (_passThrough)
            {
                return Remember(result);
            }

            if (Frame(result, out var framed))
            {
                _headWaitStarted = 0;
                return framed;
            }

            // A head has begun but is not complete: hold it back (examined, not consumed) and wait for more.
            _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (_limits.RequestHeadersTimeout is not { } timeout)
            {
                result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (_headWaitStarted == 0)
            {
                _headWaitStarted = Environment.TickCount64;
            }

            var left = TimeSpan.FromMilliseconds(_headWaitStarted + (long)timeout.TotalMilliseconds - Environment.TickCount64);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            try
            {
                result = await _inner.ReadAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // request_headers_timeout: Envoy answers 408 with an empty body.
                if (_inner.TryRead(out var pending))
                {
                    _inner.AdvanceTo(pending.Buffer.End);
                }

                return StartOverlay(new CodecError(408, "request_header_timeout", WithBody: false), "GET", "/", null);
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_overlayActive)
        {
            result = OverlayResult();
            return true;
        }

        if (!_inner.TryRead(out var inner))
        {
            result = default;
            return false;
        }

        if (_passThrough)
        {
            result = Remember(inner);
            return true;
        }

        if (Frame(inner, out result))
        {
            return true;
        }

        _inner.AdvanceTo(inner.Buffer.Start, inner.Buffer.End);
        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_overlayActive)
        {
            _overlayConsumed = _overlay.GetOffset(consumed);
            return;
        }

        if (!_passThrough)
        {
            _framed -= _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        }

        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    private ReadResult Remember(ReadResult result)
    {
        _lastBuffer = result.Buffer;
        return result;
    }

    /// <summary>
    /// Frames what the socket has: returns the part Kestrel may see, or false when a head is incomplete
    /// and nothing before it is left to pass on (the caller then waits for more).
    /// </summary>
    private bool Frame(ReadResult result, out ReadResult framed)
    {
        var buffer = result.Buffer;
        _lastBuffer = buffer;
        var length = buffer.Length;
        while (!_passThrough)
        {
            switch (_mode)
            {
                case Http1BodyFraming.Length:
                {
                    var n = Math.Min(_bodyRemaining, length - _framed);
                    _framed += n;
                    _bodyRemaining -= n;
                    if (_bodyRemaining > 0)
                    {
                        goto Done;
                    }

                    _mode = Http1BodyFraming.None;
                    continue;
                }

                case Http1BodyFraming.Chunked:
                    if (!FrameChunks(buffer))
                    {
                        goto Done;
                    }

                    continue;
            }

            // A request head is expected at _framed.
            if (_framed == length)
            {
                goto Done;
            }

            var rest = buffer.Slice(_framed);
            var headLength = FindHeadEnd(rest);
            if (headLength < 0)
            {
                if (rest.Length > _limits.MaxRequestHeadersBytes + 8192)
                {
                    // The budget is spent before the head ends: Envoy's 431 (headers_too_large).
                    if (_framed > 0)
                    {
                        goto Done;
                    }

                    _inner.AdvanceTo(buffer.End);
                    framed = StartOverlay(Http1HeadValidator.HeadersTooLarge, "GET", "/", null);
                    return true;
                }

                if (result.IsCompleted || result.IsCanceled || _framed > 0)
                {
                    // The peer ended mid-head (Kestrel closes, as Envoy does), or earlier bytes go first.
                    if (result.IsCompleted)
                    {
                        framed = result;
                        _passThrough = true;
                        return true;
                    }

                    goto Done;
                }

                framed = default;
                return false;
            }

            var head = rest.Slice(0, headLength);
            var verdict = ValidateHead(head);
            if (verdict.Error is { } error)
            {
                if (_framed > 0)
                {
                    // The requests before it are served first; this head is checked again then.
                    goto Done;
                }

                _inner.AdvanceTo(buffer.End);
                framed = StartOverlay(error, verdict.Method, verdict.Target, verdict.Host);
                return true;
            }

            _framed += head.Length + HeadEnd.Length;
            _headIndex++;
            if (verdict.Nominated is { } nominated)
            {
                _connection.Nominate(_headIndex, nominated);
            }

            switch (verdict.Framing)
            {
                case Http1BodyFraming.Length:
                    _mode = Http1BodyFraming.Length;
                    _bodyRemaining = verdict.ContentLength;
                    break;
                case Http1BodyFraming.Chunked:
                    _mode = Http1BodyFraming.Chunked;
                    _chunk = ChunkState.Size;
                    _chunkSize = 0;
                    _chunkDigits = 0;
                    break;
                case Http1BodyFraming.Opaque:
                    // An upgrade or CONNECT may turn into a tunnel: Kestrel and the connection manager decide.
                    _passThrough = true;
                    break;
            }
        }

        framed = result;
        return true;

    Done:
        framed = new ReadResult(buffer.Slice(0, _framed), result.IsCanceled, result.IsCompleted && _framed == length);
        return true;
    }

    /// <summary>
    /// The length of the head at the start of <paramref name="rest"/> (up to its empty line), or -1 while it
    /// has not ended. A head that arrives in pieces is searched only from where the last search stopped
    /// (less the 3 bytes an end split across reads can have), not from its start again on every read.
    /// </summary>
    private long FindHeadEnd(ReadOnlySequence<byte> rest)
    {
        var from = Math.Clamp(_headSearched - (HeadEnd.Length - 1), 0, rest.Length);
        long found;
        if (rest.IsSingleSegment)
        {
            var index = rest.FirstSpan[(int)from..].IndexOf(HeadEnd);
            found = index < 0 ? -1 : from + index;
        }
        else
        {
            var reader = new SequenceReader<byte>(rest.Slice(from));
            found = reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd) ? from + head.Length : -1;
        }

        _headSearched = found < 0 ? rest.Length : 0;
        return found;
    }

    private Http1HeadVerdict ValidateHead(ReadOnlySequence<byte> head)
    {
        if (head.IsSingleSegment)
        {
            return Http1HeadValidator.Validate(head.FirstSpan, _limits);
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)head.Length);
        try
        {
            head.CopyTo(copy);
            return Http1HeadValidator.Validate(copy.AsSpan(0, (int)head.Length), _limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Walks chunk sizes, data and trailers from _framed; true once the body has ended.</summary>
    private bool FrameChunks(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer.Slice(_framed));
        try
        {
            while (true)
            {
                if (_chunk == ChunkState.Data)
                {
                    var n = Math.Min(_chunkSize, reader.Remaining);
                    reader.Advance(n);
                    _chunkSize -= n;
                    if (_chunkSize > 0)
                    {
                        return false;
                    }

                    _chunk = ChunkState.DataCr;
                    continue;
                }

                if (!reader.TryRead(out var b))
                {
                    return false;
                }

                switch (_chunk)
                {
                    case ChunkState.Size:
                        var digit = HexValue(b);
                        if (digit >= 0 && _chunkDigits < 15)
                        {
                            _chunkSize = (_chunkSize << 4) | (uint)digit;
                            _chunkDigits++;
                        }
                        else if (_chunkDigits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
                        {
                            _chunk = ChunkState.Extension;
                        }
                        else if (_chunkDigits > 0 && b == (byte)'\r')
                        {
                            _chunk = ChunkState.SizeLf;
                        }
                        else
                        {
                            return Malformed();
                        }

                        break;
                    case ChunkState.Extension:
                        if (b == (byte)'\r')
                        {
                            _chunk = ChunkState.SizeLf;
                        }

                        break;
                    case ChunkState.SizeLf:
                        if (b != (byte)'\n')
                        {
                            return Malformed();
                        }

                        _chunk = _chunkSize == 0 ? ChunkState.TrailerStart : ChunkState.Data;
                        break;
                    case ChunkState.DataCr:
                        if (b != (byte)'\r')
                        {
                            return Malformed();
                        }

                        _chunk = ChunkState.DataLf;
                        break;
                    case ChunkState.DataLf:
                        if (b != (byte)'\n')
                        {
                            return Malformed();
                        }

                        _chunk = ChunkState.Size;
                        _chunkSize = 0;
                        _chunkDigits = 0;
                        break;
                    case ChunkState.TrailerStart:
                        _chunk = b == (byte)'\r' ? ChunkState.EndLf : ChunkState.Trailer;
                        break;
                    case ChunkState.Trailer:
                        if (b == (byte)'\r')
                        {
                            _chunk = ChunkState.TrailerLf;
                        }

                        break;
                    case ChunkState.TrailerLf:
                        if (b != (byte)'\n')
                        {
                            return Malformed();
                        }

                        _chunk = ChunkState.TrailerStart;
                        break;
                    case ChunkState.EndLf:
                        if (b != (byte)'\n')
                        {
                            return Malformed();
                        }

                        _mode = Http1BodyFraming.None;
                        return true;
                }
            }
        }
        finally
        {
            _framed += reader.Consumed;
        }
    }

    /// <summary>A chunked body the guard cannot frame: Kestrel's parser sees it as is and refuses it.</summary>
    private bool Malformed()
    {
        _passThrough = true;
        return false;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Replaces the refused request by a stand-in Kestrel accepts, then end of input.</summary>
    private ReadResult StartOverlay(CodecError error, string method, string target, string? host)
    {
        _connection.PendingError = error;
        var text = $"{method} {target} HTTP/1.1\r\nHost: {host ?? "localhost"}\r\nContent-Length: 0\r\n\r\n";
        _overlay = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        _overlayActive = true;
        _overlayConsumed = 0;
        return OverlayResult();
    }

    private ReadResult OverlayResult() => new(_overlay.Slice(_overlayConsumed), isCanceled: false, isCompleted: true);
}
