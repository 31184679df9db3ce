namespace Gateway.Codec;

/// <summary>
/// The one coarse timer behind every stream's idle and request timeout (Envoy arms a timer per stream
/// and re-arms it on every read and write; here a read or write only stores a timestamp). Watched
/// streams sit in a few lock-striped intrusive lists; one <see cref="Timer"/> walks them at a
/// quarter of the shortest timeout seen (at most once a second, at least every 10 ms) and fires
/// the expired ones. A stream costs one link and one unlink.
/// </summary>
internal static class StreamTimeoutSweeper
{
    private const long MaxPeriodMs = 1000;
    private const long MinPeriodMs = 10;

    private static readonly Stripe[] Stripes = CreateStripes();
    private static readonly object TimerLock = new();
    private static Timer? _timer;
    private static long _periodMs = long.MaxValue;

    internal sealed class Stripe
    {
        public StreamWatch? Head;
    }

    public static void Add(StreamWatch watch, long shortestTimeoutMs)
    {
        var stripe = Stripes[Environment.CurrentManagedThreadId & (Stripes.Length - 1)];
        watch.Stripe = stripe;
        lock (stripe)
        {
            watch.Next = stripe.Head;
            if (stripe.Head is { } head)
            {
                head.Prev = watch;
            }

            stripe.Head = watch;
        }

        EnsurePeriod(shortestTimeoutMs);
    }

    /// <summary>Makes the sweep often enough for a timeout of <paramref name="timeoutMs"/> (a route's shorter idle_timeout).</summary>
    public static void EnsurePeriod(long timeoutMs)
    {
        var period = Math.Clamp(timeoutMs / 4, MinPeriodMs, MaxPeriodMs);
        if (period < Volatile.Read(ref _periodMs))
        {
            StartOrSpeedUp(period);
        }
    }

    public static void Remove(StreamWatch watch)
    {
        if (watch.Stripe is not { } stripe)
        {
            return;
        }

        lock (stripe)
        {
            if (watch.Prev is { } prev)
            {
                prev.Next = watch.Next;
            }
            else if (stripe.Head == watch)
            {
                stripe.Head = watch.Next;
            }

            if (watch.Next is { } next)
            {
                next.Prev = watch.Prev;
            }

            watch.Prev = watch.Next = null;
            watch.Stripe = null;
        }
    }

    private static void StartOrSpeedUp(long period)
    {
        lock (TimerLock)
        {
            if (period >= _periodMs)
            {
                return;
            }

            _periodMs = period;
            if (_timer is null)
            {
                // Never the request's execution context: the timer lives for the process.
                using (ExecutionContext.SuppressFlow())
                {
                    _timer = new Timer(static _ => Sweep(), null, period, period);
                }
            }
            else
            {
                _timer.Change(period, period);
            }
        }
    }

    private static void Sweep()
    {
        var now = Environment.TickCount64;
        List<(StreamWatch, StreamTimeoutKind, int)>? expired = null;
        foreach (var stripe in Stripes)
        {
            lock (stripe)
            {
                for (var watch = stripe.Head; watch is not null; watch = watch.Next)
                {
                    if (watch.Expired(now) is var kind and not StreamTimeoutKind.None)
                    {
                        (expired ??= new()).Add((watch, kind, watch.State));
                    }
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        // Outside the locks: cancelling runs the request's cancellation callbacks (upstream abort, ...).
        foreach (var (watch, kind, state) in expired)
        {
            watch.Fire(kind, state);
        }
    }

    private static Stripe[] CreateStripes()
    {
        var count = 1;
        while (count < Environment.ProcessorCount * 2)
        {
            count <<= 1;
        }

        var stripes = new Stripe[count];
        for (var i = 0; i < count; i++)
        {
            stripes[i] = new Stripe();
        }

        return stripes;
    }
}
