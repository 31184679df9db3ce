namespace Gateway.Clusters.Model;

/// <summary>A route answered by the gateway itself; a body is sent as text/plain.</summary>
public sealed record DirectResponseConfig(int Status, string? Body);
