namespace Gateway.Hosting;

/// <summary>
/// Marks a Kestrel endpoint (stored in its connections' items): which envoy.yaml listener it
/// serves, or the admin interface. Stable across reloads; the runtime is looked up by name in the
/// current snapshot.
/// </summary>
internal sealed class ListenerSlot
{
    public static readonly object ItemKey = new();

    public ListenerSlot(string name, bool isAdmin)
    {
        Name = name;
        IsAdmin = isAdmin;
    }

    public string Name { get; }

    public bool IsAdmin { get; }

    public Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? ListenOptions { get; set; }

    /// <summary>
    /// The connection manager stats the Kestrel connection middleware counts downstream_cx_* into; set
    /// once the first snapshot exists (reloads carry the same object forward by listener name).
    /// </summary>
    public Proxy.HttpConnectionManagerStats? Stats { get; set; }

    /// <summary>The bound address as Envoy writes it in listener stat names: <c>127.0.0.1_10000</c>.</summary>
    public string StatAddress => (ListenOptions?.IPEndPoint?.ToString() ?? Name).Replace(':', '_');

    /// <summary>The port actually bound (for port_value 0, the ephemeral one), once started.</summary>
    public int BoundPort => (ListenOptions?.IPEndPoint?.Port) ?? 0;
}
