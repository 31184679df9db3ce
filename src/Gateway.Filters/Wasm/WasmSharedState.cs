using System.Collections.Concurrent;

namespace Gateway.Filters.Wasm;

/// <summary>
/// Shared data (key/value with compare-and-swap) and shared queues of one VM id, seen by every instance
/// of every plugin with that vm_id in this process, as Envoy shares them across worker threads. Kept
/// across reloads, as Envoy keeps them while the VM id lives.
/// </summary>
internal sealed class WasmSharedState
{
    private static readonly ConcurrentDictionary<string, WasmSharedState> ByVmId = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<uint, Queue> Queues = new();
    private static readonly ConcurrentDictionary<(string VmId, string Name), uint> QueueIds = new();
    private static int _nextQueueId;

    private readonly object _gate = new();
    private readonly Dictionary<string, (byte[] Value, uint Cas)> _data = new(StringComparer.Ordinal);
    private uint _nextCas;

    private WasmSharedState(string vmId) => VmId = vmId;

    public string VmId { get; }

    public static WasmSharedState For(string vmId) => ByVmId.GetOrAdd(vmId, id => new WasmSharedState(id));

    public bool TryGetData(string key, out byte[] value, out uint cas)
    {
        lock (_gate)
        {
            if (_data.TryGetValue(key, out var entry))
            {
                (value, cas) = entry;
                return true;
            }
        }

        value = [];
        cas = 0;
        return false;
    }

    /// <summary>cas 0 always writes; otherwise the write happens only if the key's cas still matches.</summary>
    public int SetData(string key, byte[] value, uint cas)
    {
        lock (_gate)
        {
            if (cas != 0 && (!_data.TryGetValue(key, out var existing) || existing.Cas != cas))
            {
                return ProxyWasmAbi.CasMismatch;
            }

            _nextCas = _nextCas == uint.MaxValue ? 1 : _nextCas + 1;
            _data[key] = (value, _nextCas);
            return ProxyWasmAbi.Ok;
        }
    }

    /// <summary>Registers (or re-registers) a queue; its ready notifications go to <paramref name="owner"/>'s root context.</summary>
    public uint RegisterQueue(string name, WasmInstance owner)
    {
        var id = QueueIds.GetOrAdd((VmId, name), _ => (uint)Interlocked.Increment(ref _nextQueueId));
        var queue = Queues.GetOrAdd(id, _ => new Queue());
        queue.Owner = new WeakReference<WasmInstance>(owner);
        return id;
    }

    public static uint ResolveQueue(string vmId, string name) => QueueIds.TryGetValue((vmId, name), out var id) ? id : 0;

    public static int Enqueue(uint id, byte[] value)
    {
        if (!Queues.TryGetValue(id, out var queue))
        {
            return ProxyWasmAbi.NotFound;
        }

        queue.Items.Enqueue(value);
        if (queue.Owner is { } weak && weak.TryGetTarget(out var owner))
        {
            // Envoy posts onQueueReady to the owner's thread; here it runs off the caller's stack.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Plugin.RunQueueReady(state.Owner, state.Id), (Owner: owner, Id: id, owner.Plugin), preferLocal: false);
        }

        return ProxyWasmAbi.Ok;
    }

    public static int Dequeue(uint id, out byte[] value)
    {
        value = [];
        if (!Queues.TryGetValue(id, out var queue))
        {
            return ProxyWasmAbi.NotFound;
        }

        return queue.Items.TryDequeue(out value!) ? ProxyWasmAbi.Ok : ProxyWasmAbi.Empty;
    }

    private sealed class Queue
    {
        public ConcurrentQueue<byte[]> Items { get; } = new();

        public WeakReference<WasmInstance>? Owner { get; set; }
    }
}
