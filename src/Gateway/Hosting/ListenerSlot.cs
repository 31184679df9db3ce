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

    /// <summary>The port actually bound (for port_value 0, the ephemeral one), once started.</summary>
    public int BoundPort => (ListenOptions?.IPEndPoint?.Port) ?? 0;
}
