namespace Gateway.Clusters.Model;

/// <summary>Envoy's <c>admin</c> block: where the admin listener binds.</summary>
public sealed record AdminConfig(SocketAddressConfig Address, string? AccessLogPath)
{
    /// <summary>access_log: each admin request is logged as an HCM logs a request (Envoy's default format unless one is given).</summary>
    public IReadOnlyList<AccessLogConfig> AccessLogs { get; init; } = [];
}
