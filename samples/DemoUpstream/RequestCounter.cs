namespace DemoUpstream;

/// <summary>Counts requests so tests can assert whether the gateway reached the upstream.</summary>
internal sealed class RequestCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
