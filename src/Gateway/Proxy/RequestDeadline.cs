using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Proxy;

/// <summary>
/// The absolute deadlines of one forwarded request (Envoy's router response timeout and the connection
/// manager's max stream duration) as one cancellation token for the forwarder: armed for the earliest
/// of them, remembering which one that is. When it fires before response headers the router answers
/// 504; after them the forwarder resets the downstream stream, as Envoy does. Pooled: a request with a
/// route timeout (the default is 15s) rents one and gives it back, so the timer costs no allocation.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<RequestDeadline> Pool = new();
    private static int _pooled;

    private readonly CancellationTokenSource _source = new();
    private long _due;

    public CancellationToken Token => _source.Token;

    /// <summary>The deadline that fires first (the one armed for the earliest time).</summary>
    public DeadlineKind Kind { get; private set; }

    /// <summary>Stopwatch timestamp at which the route timeout was armed (the request was complete), or 0.</summary>
    public long RouteArmedAt { get; private set; }

    public bool Fired => _source.IsCancellationRequested;

    public static RequestDeadline Rent()
    {
        if (Pool.TryDequeue(out var deadline))
        {
            Interlocked.Decrement(ref _pooled);
            return deadline;
        }

        return new RequestDeadline();
    }

    /// <summary>Arms <paramref name="kind"/> to fire after <paramref name="timeout"/> unless an earlier deadline is armed.</summary>
    public void Arm(DeadlineKind kind, TimeSpan timeout)
    {
        var now = Stopwatch.GetTimestamp();
        if (kind == DeadlineKind.Route)
        {
            RouteArmedAt = now;
        }

        var due = now + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        if (Kind != DeadlineKind.None && due >= _due)
        {
            return;
        }

        _due = due;
        Kind = kind;
        if (timeout <= TimeSpan.Zero)
        {
            _source.Cancel();
        }
        else
        {
            _source.CancelAfter(timeout);
        }
    }

    /// <summary>Gives the deadline back: reused when it did not fire, dropped otherwise.</summary>
    public void Return()
    {
        if (!_source.TryReset())
        {
            _source.Dispose();
            return;
        }

        Kind = DeadlineKind.None;
        RouteArmedAt = 0;
        _due = 0;
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
            _source.Dispose();
        }
    }

    public void Dispose() => _source.Dispose();
}
