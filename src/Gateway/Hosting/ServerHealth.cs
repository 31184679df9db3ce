using Gateway.Filters;

namespace Gateway.Hosting;

/// <summary>
/// The admin-controlled health-check state, shared by the admin (which sets it) and the health_check
/// filters (which read it). It outlives config reloads, as Envoy's does; node.cluster is read once at
/// start because Envoy reads the bootstrap node only at start.
/// </summary>
public sealed class ServerHealth : IServerHealth
{
    private volatile bool _failing;

    public ServerHealth(string localClusterName)
    {
        LocalClusterName = localClusterName;
    }

    public bool IsFailingHealthChecks
    {
        get => _failing;
        set => _failing = value;
    }

    public string LocalClusterName { get; }
}
