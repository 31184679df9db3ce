using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Gateway.Proxy;

namespace Gateway.Hosting;

/// <summary>
/// Everything one loaded config serves: the cluster table and the compiled listeners. Requests take
/// the snapshot current when they start and keep it to the end, so a reload never changes a request
/// mid-flight.
/// </summary>
public sealed class GatewaySnapshot : IDisposable
{
    public GatewaySnapshot(BootstrapConfig config, ClusterTable clusters, IReadOnlyDictionary<string, ListenerRuntime> listeners)
    {
        Config = config;
        Clusters = clusters;
        Listeners = listeners;
    }

    public BootstrapConfig Config { get; }

    public ClusterTable Clusters { get; }

    /// <summary>Listener runtimes by listener name.</summary>
    public IReadOnlyDictionary<string, ListenerRuntime> Listeners { get; }

    /// <summary>Network listeners (listener filters, several chains, tcp_proxy) by listener name.</summary>
    internal IReadOnlyDictionary<string, Network.NetworkListenerRuntime> NetworkListeners { get; init; } =
        new Dictionary<string, Network.NetworkListenerRuntime>();

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The admin's access_log, compiled; null when the admin logs nothing.</summary>
    internal ListenerRuntime? AdminLog { get; init; }

    /// <summary>What this snapshot owns besides its clusters and filters (the tracers, flushed when it retires).</summary>
    internal IReadOnlyList<IDisposable> Owned { get; init; } = [];

    public void Dispose()
    {
        // Tracers flush first, while the collector clusters they send through are still open.
        foreach (var owned in Owned)
        {
            owned.Dispose();
        }

        Clusters.Dispose();
        // Filters that own timers (wasm plugin ticks) stop with the config that built them.
        foreach (var filter in Listeners.Values.SelectMany(l => l.Filters.Filters).OfType<IDisposable>())
        {
            filter.Dispose();
        }
    }
}
