using Gateway.Hosting;

namespace Gateway.Codec;

/// <summary>
/// What the gateway keeps per downstream connection (in Kestrel's connection items): the listener
/// slot it was accepted on and, for HTTP/1, a refusal the codec guard hands to the connection manager.
/// </summary>
public sealed class DownstreamConnection
{
    internal DownstreamConnection(ListenerSlot slot)
    {
        Slot = slot;
    }

    internal ListenerSlot Slot { get; }

    /// <summary>
    /// The state of an accepted connection, kept in its items under <see cref="ListenerSlot.ItemKey"/>: its
    /// transport, and <see cref="Closed"/> set when the transport closes.
    /// </summary>
    internal static DownstreamConnection Attach(ListenerSlot slot, Microsoft.AspNetCore.Connections.ConnectionContext connection)
    {
        var downstream = new DownstreamConnection(slot) { Transport = connection };
        connection.Items[ListenerSlot.ItemKey] = downstream;
        connection.ConnectionClosed.UnsafeRegister(static state => ((DownstreamConnection)state!).Closed = true, downstream);
        return downstream;
    }

    /// <summary>
    /// The connection manager's counters this connection counts in: its slot's, or for a network listener's chain the
    /// chain's own (set when the chain is picked; a chain's slot carries none).
    /// </summary>
    internal Proxy.HttpConnectionManagerStats? Stats
    {
        get => _stats ?? Slot.Stats;
        set => _stats = value;
    }

    private Proxy.HttpConnectionManagerStats? _stats;

    /// <summary>The Kestrel connection, for aborting it (too many premature resets).</summary>
    internal Microsoft.AspNetCore.Connections.ConnectionContext? Transport { get; set; }

    private long _closedStreams;
    private long _prematureResets;
    private int _abortedForResets;

    /// <summary>
    /// Envoy's rapid-reset guard (conn_manager_impl, overload.premature_reset_total_stream_count 500):
    /// counts a closed HTTP/2 stream; true once, when premature resets are half of 500 streams, or
    /// half of all closed streams past 500: the connection is then aborted.
    /// </summary>
    internal bool CountClosedStream(bool premature)
    {
        const long Total = 500;
        var closed = Interlocked.Increment(ref _closedStreams);
        var resets = premature ? Interlocked.Increment(ref _prematureResets) : Volatile.Read(ref _prematureResets);
        var tooMany = closed < Total ? resets * 2 >= Total : resets * 2 >= closed;
        return tooMany && Interlocked.Exchange(ref _abortedForResets, 1) == 0;
    }

    /// <summary>The transport closed (set from ConnectionClosed, or earlier by Http2FloodGuard when the client's side ends): a request aborted now lost its connection, not just its stream.</summary>
    public bool Closed { get; internal set; }

    /// <summary>Set by <see cref="Http1RequestGuard"/> when the request it passes on stands for a refused one.</summary>
    public CodecError? PendingError { get; internal set; }

    private Queue<(long Head, string[] Names)>? _nominated;
    private long _requests;

    /// <summary>Headers the Connection header of the <paramref name="head"/>-th request head nominated (set by the guard).</summary>
    internal void Nominate(long head, string[] names)
    {
        lock (this)
        {
            (_nominated ??= new()).Enqueue((head, names));
        }
    }

    /// <summary>
    /// Counts a request the connection manager starts; returns the headers its Connection header
    /// nominated (to be removed), or null. HTTP/1 serves one request at a time, in head order.
    /// </summary>
    public string[]? StartRequest()
    {
        var index = ++_requests;
        if (_nominated is null)
        {
            return null;
        }

        lock (this)
        {
            while (_nominated.TryPeek(out var entry) && entry.Head <= index)
            {
                _nominated.Dequeue();
                if (entry.Head == index)
                {
                    return entry.Names;
                }
            }
        }

        return null;
    }

    private StreamWatch? _spareWatch;

    /// <summary>The watch an ended request left for the next one, or null (HTTP/2 streams may overlap: one spare, taken atomically).</summary>
    internal StreamWatch? TakeWatch() => Interlocked.Exchange(ref _spareWatch, null);

    /// <summary>Keeps an ended request's <see cref="StreamWatch.Reusable"/> watch for the connection's next request.</summary>
    internal void ReturnWatch(StreamWatch watch) => Volatile.Write(ref _spareWatch, watch);

    /// <summary>Takes the pending refusal (once).</summary>
    public CodecError? TakeError()
    {
        var error = PendingError;
        PendingError = null;
        return error;
    }
}
