namespace Gateway.Clusters.Model;

/// <summary>Envoy's <c>admin</c> block: where the admin listener binds.</summary>
public sealed record AdminConfig(SocketAddressConfig Address, string? AccessLogPath);
