using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Codec;

/// <summary>
/// Envoy's inbound HTTP/2 flood limits (ProtocolConstraints::trackInboundFrame), which Kestrel's
/// HTTP/2 server lacks: it reads the frame headers of an h2 connection's input as Kestrel consumes it
/// (nothing is copied or changed) and aborts the connection when
/// <c>max_consecutive_inbound_frames_with_empty_payload</c> (HEADERS, CONTINUATION or DATA frames with
/// no payload and no END_STREAM, Envoy's default 1) or <c>max_inbound_priority_frames_per_stream</c>
/// (PRIORITY frames beyond that many per opened stream plus one, default 100) or
/// <c>max_inbound_window_update_frames_per_data_frame_sent</c> (WINDOW_UPDATE frames beyond
/// 5 + 2 x (opened streams + that many per DATA frame sent), default 10) is exceeded, counting
/// <c>http2.inbound_empty_frames_flood</c> / <c>http2.inbound_priority_frames_flood</c> /
/// <c>http2.inbound_window_update_frames_flood</c>. A stream is opened by the HEADERS frame of a new
/// stream id, as Envoy's opened_streams_. It also sees the client's end of the connection first (the input
/// ending, or failing with a reset), before Kestrel aborts the streams on it, and marks the connection closed
/// then: a stream aborted by it is Envoy's DC (connection termination), not DR (a stream reset), however late
/// the transport's ConnectionClosed runs.
/// </summary>
internal sealed class Http2FloodGuard : PipeReader
{
    private const int PrefaceLength = 24;
    private const byte Data = 0x0, Headers = 0x1, Priority = 0x2, WindowUpdate = 0x8, Continuation = 0x9;
    private const byte EndStream = 0x1, Padded = 0x8, PriorityFlag = 0x20;

    /// <summary>Process-wide, as Envoy's http2.* codec stats.</summary>
    public static long InboundEmptyFramesFlood;
    public static long InboundPriorityFramesFlood;
    public static long InboundWindowUpdateFramesFlood;

    private readonly PipeReader _inner;
    private readonly ConnectionContext _connection;
    private readonly long _maxEmpty;
    private readonly long _maxPriorityPerStream;
    private readonly long _maxWindowUpdatesPerDataFrame;
    private readonly Http2OutboundGuard? _outbound;
    private readonly DownstreamConnection _downstream;

    // Scanner state, over the byte stream: the preface, then 9-byte frame headers and skipped payloads.
    private Http2FrameHeaderReader _frames = new(PrefaceLength);
    private bool _needPadLength;
    private int _pendingType;
    private int _pendingFlags;
    private int _pendingLength;
    private int _pendingStream;

    private long _consecutiveEmpty;
    private long _priorityFrames;
    private long _openedStreams;
    private int _lastStream;
    private long _windowUpdates;
    private string? _tripped;

    // How far into the buffer last returned the scan has got, to scan only new bytes.
    private ReadOnlySequence<byte> _lastBuffer;
    private long _scanned;

    /// <param name="outbound">The connection's output guard, which counts the DATA frames sent.</param>
    /// <param name="downstream">The connection's state, marked closed when the client's side ends.</param>
    public Http2FloodGuard(PipeReader inner, ConnectionContext connection, Gateway.Clusters.Model.DownstreamHttp2Config limits, Http2OutboundGuard? outbound,
        DownstreamConnection downstream)
    {
        _downstream = downstream;
        _inner = inner;
        _connection = connection;
        _maxEmpty = limits.MaxConsecutiveInboundFramesWithEmptyPayload;
        _maxPriorityPerStream = limits.MaxInboundPriorityFramesPerStream;
        _maxWindowUpdatesPerDataFrame = limits.MaxInboundWindowUpdateFramesPerDataFrameSent;
        _outbound = outbound;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result;
        try
        {
            result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            MarkClosed();
            throw;
        }

        return Inspect(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        bool read;
        try
        {
            read = _inner.TryRead(out result);
        }
        catch (Exception)
        {
            MarkClosed();
            throw;
        }

        if (!read)
        {
            return false;
        }

        result = Inspect(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _scanned -= _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    private void MarkClosed() => _downstream.Closed = true;

    private ReadResult Inspect(ReadResult result)
    {
        if (result.IsCompleted)
        {
            MarkClosed();
        }

        _lastBuffer = result.Buffer;
        if (_tripped is not null || result.Buffer.Length <= _scanned)
        {
            return result;
        }

        var fresh = result.Buffer.Slice(_scanned);
        _scanned = result.Buffer.Length;
        foreach (var segment in fresh)
        {
            Scan(segment.Span);
            if (_tripped is not null)
            {
                // Envoy closes the connection on a flood; Kestrel sees its input fail.
                _connection.Abort(new ConnectionAbortedException(_tripped));
                break;
            }
        }

        return result;
    }

    private void Scan(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && _tripped is null)
        {
            if (_needPadLength)
            {
                _needPadLength = false;
                var left = _pendingLength - 1 - bytes[0] - ((_pendingType == Headers && (_pendingFlags & PriorityFlag) != 0) ? 5 : 0);
                Track(_pendingType, _pendingFlags, _pendingStream, left <= 0);
                _frames.Skip = _pendingLength - 1;
                bytes = bytes[1..];
                continue;
            }

            if (!_frames.TryRead(ref bytes, out var length, out var type, out var flags, out var stream))
            {
                return;
            }

            if ((type == Data || type == Headers) && (flags & Padded) != 0 && length > 0)
            {
                // Padding may make a frame empty: its pad length (the payload's first byte) decides.
                _frames.Skip = 0;
                (_needPadLength, _pendingType, _pendingFlags, _pendingLength, _pendingStream) = (true, type, flags, length, stream);
                continue;
            }

            var payload = length - (type == Headers && (flags & PriorityFlag) != 0 ? 5 : 0);
            Track(type, flags, stream, payload <= 0);
        }
    }

    private void Track(int type, int flags, int stream, bool empty)
    {
        switch (type)
        {
            case Headers:
            case Continuation:
            case Data:
                if (type == Headers && stream > _lastStream)
                {
                    _lastStream = stream;
                    _openedStreams++;
                }

                _consecutiveEmpty = empty && (flags & EndStream) == 0 ? _consecutiveEmpty + 1 : 0;
                if (_consecutiveEmpty > _maxEmpty)
                {
                    Interlocked.Increment(ref InboundEmptyFramesFlood);
                    _tripped = "Too many consecutive frames with an empty payload";
                }

                break;
            case Priority:
                if (++_priorityFrames > _maxPriorityPerStream * (1 + _openedStreams))
                {
                    Interlocked.Increment(ref InboundPriorityFramesFlood);
                    _tripped = "Too many PRIORITY frames";
                }

                break;
            case WindowUpdate:
                if (++_windowUpdates > 5 + (2 * (_openedStreams + (_maxWindowUpdatesPerDataFrame * (_outbound?.DataFramesSent ?? 0)))))
                {
                    Interlocked.Increment(ref InboundWindowUpdateFramesFlood);
                    _tripped = "Too many WINDOW_UPDATE frames";
                }

                break;
        }
    }
}
