namespace Gateway.Clusters.Model;

/// <summary>An IP (or host name, for DNS clusters) and port, as in Envoy's <c>socket_address</c>.</summary>
public sealed record SocketAddressConfig(string Address, int Port)
{
    public override string ToString() =>
        Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
