namespace Gateway.Filters;

/// <summary>
/// The server-wide health state a filter may read: whether the admin's <c>POST /healthcheck/fail</c>
/// is in force (until <c>POST /healthcheck/ok</c>), and the local cluster name (bootstrap node.cluster).
/// </summary>
public interface IServerHealth
{
    bool IsFailingHealthChecks { get; }

    /// <summary>Envoy's local cluster name (node.cluster), "" when the bootstrap gives none.</summary>
    string LocalClusterName { get; }
}
