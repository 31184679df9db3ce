using System.IO.Pipelines;
using Gateway.Filters;
using Gateway.Proxy;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Codec;

/// <summary>
/// One request's stream timers (Envoy's stream_idle_timer_ and request_timer_): the last time a byte
/// moved either way and the request deadline, checked by <see cref="StreamTimeoutSweeper"/>. It is the
/// response body feature (writes stamp activity), wraps the request body (reads stamp activity, the
/// end of the body disarms request_timeout) and puts its own token in HttpContext.RequestAborted, so a
/// timeout cancels what the request is waiting on: a filter's callout, the upstream request, a write.
/// </summary>
internal sealed class StreamWatch : Stream, IHttpResponseBodyFeature
{
    // _state: the phase in the low two bits, the watch's generation (one per request it watches) above them,
    // so a sweep that found the previous request expired cannot fire the next one on a reused watch.
    private const int Active = 0;
    private const int Fired = 1;
    private const int Ended = 2;
    private const int PhaseMask = 3;

    private static readonly byte[] StreamTimeoutBody = "stream timeout"u8.ToArray();
    private static readonly byte[] RequestTimeoutBody = "request timeout"u8.ToArray();

    private readonly CancellationTokenSource _cancel = new();
    private StreamTimeoutPolicy _policy = null!;
    private HttpContext _context = null!;
    private IHttpResponseBodyFeature _prior = null!;
    private IHttpResponseFeature? _response;
    private WatchedRequestStream? _requestBody;
    private CancellationToken _clientAborted;
    private CancellationTokenRegistration _link;
    private long _requestDeadline;
    private long _lastActivity;
    private long _idleMs;
    private volatile bool _requestComplete;
    private volatile bool _clientLeftFirst;
    private int _state = Ended;
    private StreamTimeoutKind _kind;

    internal StreamWatch? Prev;
    internal StreamWatch? Next;
    internal StreamTimeoutSweeper.Stripe? Stripe;

    /// <summary>
    /// A watch for one request at a time: <see cref="Start"/> begins watching, <see cref="EndAsync"/> ends it,
    /// and a watch whose timers did not fire (<see cref="Reusable"/>) can start again for the connection's next
    /// request (the watch, its token source and body wrapper are kept per connection instead of made per request).
    /// </summary>
    internal StreamWatch()
    {
    }

    /// <summary>Starts watching one request (its body streams and RequestAborted are wrapped).</summary>
    internal void Start(StreamTimeoutPolicy policy, HttpContext context)
    {
        _policy = policy;
        _context = context;
        _idleMs = policy.IdleMs;
        _kind = StreamTimeoutKind.None;
        _clientLeftFirst = false;
        _requestComplete = false;
        Reusable = false;
        var now = Environment.TickCount64;
        _lastActivity = now;
        _requestDeadline = policy.RequestMs == 0 ? 0 : now + policy.RequestMs;
        var features = context.Features;
        _response = features.Get<IHttpResponseFeature>();
        _prior = features.GetRequiredFeature<IHttpResponseBodyFeature>();
        features.Set<IHttpResponseBodyFeature>(this);
        if (features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            context.Request.Body = (_requestBody ??= new WatchedRequestStream(this)).Wrap(context.Request.Body, context.Request.BodyReader);
        }
        else
        {
            _requestComplete = true;
        }

        // A new generation, active: whatever a sweep found for the previous request no longer matches.
        Volatile.Write(ref _state, ((_state >> 2) + 1) << 2 | Active);
        _clientAborted = context.RequestAborted;
        _link = _clientAborted.UnsafeRegister(static state => ((StreamWatch)state!).OnClientAborted(), this);
        context.RequestAborted = _cancel.Token;
        var shortest = policy.IdleMs == 0 ? policy.RequestMs : policy.RequestMs == 0 ? policy.IdleMs : Math.Min(policy.IdleMs, policy.RequestMs);
        StreamTimeoutSweeper.Add(this, shortest == 0 ? 1000 : shortest);
    }

    /// <summary>After <see cref="EndAsync"/>: no timer fired and the client did not leave, so the watch can start again.</summary>
    internal bool Reusable { get; private set; }

    /// <summary>Which timer fired, or None.</summary>
    public StreamTimeoutKind Kind => (Volatile.Read(ref _state) & PhaseMask) == Active ? StreamTimeoutKind.None : _kind;

    /// <summary>The generation and phase, for the sweeper to fire only the request it found expired.</summary>
    internal int State => Volatile.Read(ref _state);

    /// <summary>The whole request body has been read (or it had none): Envoy's remoteDecodeComplete.</summary>
    internal bool RequestComplete => _requestComplete;

    /// <summary>Bytes moved: the idle timer starts over.</summary>
    internal void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    internal void RequestEnded()
    {
        _requestComplete = true;
        Touch();
    }

    /// <summary>
    /// The selected route's idle_timeout replaces the HCM's stream_idle_timeout (0s disables it);
    /// a route without one keeps it. The timer starts over, as Envoy's resetIdleTimer after decodeHeaders.
    /// </summary>
    /// <param name="upgrade">An upgrade (WebSocket): its bytes bypass the body streams, so the idle timer cannot see them and is off.</param>
    public void ApplyRoute(CompiledRoute? route, bool upgrade)
    {
        if (upgrade)
        {
            Volatile.Write(ref _idleMs, 0);
            return;
        }

        if (route?.Forward?.IdleTimeout is { } idle)
        {
            var ms = idle <= TimeSpan.Zero ? 0 : Math.Max(1, (long)idle.TotalMilliseconds);
            Volatile.Write(ref _idleMs, ms);
            if (ms != 0)
            {
                StreamTimeoutSweeper.EnsurePeriod(ms);
            }
        }

        Touch();
    }

    /// <summary>Called by the sweeper under its lock: which timer, if any, has expired.</summary>
    internal StreamTimeoutKind Expired(long now)
    {
        if ((Volatile.Read(ref _state) & PhaseMask) != Active)
        {
            return StreamTimeoutKind.None;
        }

        // request_timeout is disarmed once the request is complete or the response has begun.
        if (_requestDeadline != 0 && now >= _requestDeadline && !_requestComplete && _response?.HasStarted != true)
        {
            return StreamTimeoutKind.Request;
        }

        var idle = Volatile.Read(ref _idleMs);
        return idle != 0 && now - Volatile.Read(ref _lastActivity) >= idle ? StreamTimeoutKind.Idle : StreamTimeoutKind.None;
    }

    /// <param name="state">The <see cref="State"/> the sweep saw (active, of the request it found expired).</param>
    internal void Fire(StreamTimeoutKind kind, int state)
    {
        if ((state & PhaseMask) != Active)
        {
            return;
        }

        // Before the state changes, so EndAsync sees the kind with Fired (a stale write lands on an active
        // watch, whose Kind reads None, and Start or the next Fire sets it again).
        _kind = kind;
        if (Interlocked.CompareExchange(ref _state, (state & ~PhaseMask) | Fired, state) != state)
        {
            return;
        }

        var stats = _policy.Stats;
        Interlocked.Increment(ref kind == StreamTimeoutKind.Idle ? ref stats.DownstreamRqIdleTimeout : ref stats.DownstreamRqTimeout);
        CancelQuietly();
    }

    /// <summary>
    /// The client's token fired. Before a timer, the client left (no timeout reply or flag); after one, it
    /// is the consequence of the timer's own reset (the forwarder aborts a response it cannot finish, and
    /// Kestrel signals that abort asynchronously), so the timer's flag and details stay.
    /// </summary>
    private void OnClientAborted()
    {
        if ((Volatile.Read(ref _state) & PhaseMask) == Active)
        {
            _clientLeftFirst = true;
        }

        CancelQuietly();
    }

    private void CancelQuietly()
    {
        try
        {
            _cancel.Cancel();
        }
        catch (AggregateException)
        {
            // A callback of the request's failed; the request unwinds either way.
        }
    }

    /// <summary>
    /// Ends the watch when the request is done (before stats and the access log): RequestAborted is the
    /// client's again, and when a timer fired Envoy's reply goes out (408, or 504 once the request was
    /// complete; <c>stream timeout</c> / <c>request timeout</c>) or, the response having begun, the stream is reset.
    /// </summary>
    public async Task EndAsync(RequestState state)
    {
        StreamTimeoutSweeper.Remove(this);
        var current = Volatile.Read(ref _state);
        var fired = (Interlocked.Exchange(ref _state, (current & ~PhaseMask) | Ended) & PhaseMask) == Fired;
        // Waits for a client-abort callback that is running: none can touch the token source after this.
        _link.Dispose();
        var context = _context;
        context.RequestAborted = _clientAborted;
        if (!fired)
        {
            // Nothing cancelled the token (the client did not leave either): it can serve the next request.
            Reusable = _cancel.TryReset();
            return;
        }

        if (_clientLeftFirst)
        {
            return;
        }

        var idle = _kind == StreamTimeoutKind.Idle;
        if (context.Response.HasStarted)
        {
            // Envoy resets a stream whose response has begun (HTTP/2 RST_STREAM, HTTP/1 closes the connection).
            state.ResponseFlags = idle ? "SI" : null;
            state.ResponseCodeDetails = idle ? "stream_idle_timeout" : "request_overall_timeout";
            if (context.Features.Get<IHttpResetFeature>() is { } reset)
            {
                reset.Reset(0);
            }
            else
            {
                context.Abort();
            }

            return;
        }

        context.Response.Clear();
        state.ResponseFlags = null;
        var status = _requestComplete ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status408RequestTimeout;
        try
        {
            await state.SendLocalReplyAsync(idle
                ? new LocalReplyData(status, StreamTimeoutBody, "stream_idle_timeout", "SI")
                : new LocalReplyData(status, RequestTimeoutBody, "request_overall_timeout")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away while the reply was written.
        }
    }

    // ---- the response body: writes pass through to the server's stream and stamp activity ----

    Stream IHttpResponseBodyFeature.Stream => this;

    /// <summary>The server's own writer: pipe writes bypass the stream (and do not stamp activity).</summary>
    PipeWriter IHttpResponseBodyFeature.Writer => _prior.Writer;

    void IHttpResponseBodyFeature.DisableBuffering() => _prior.DisableBuffering();

    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken)
    {
        Touch();
        return _prior.StartAsync(cancellationToken);
    }

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        Touch();
        return _prior.SendFileAsync(path, offset, count, cancellationToken);
    }

    Task IHttpResponseBodyFeature.CompleteAsync() => _prior.CompleteAsync();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Touch();
        _prior.Stream.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Touch();
        _prior.Stream.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Touch();
        return _prior.Stream.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Touch();
        return _prior.Stream.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => _prior.Stream.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Touch();
        return _prior.Stream.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
