namespace Gateway.Clusters.Model;

public enum DiscoveryType
{
    Static,
    StrictDns,
    LogicalDns,
}
