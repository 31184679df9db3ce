namespace Gateway.Clusters.Model;

/// <summary>FilterChainMatch.source_type.</summary>
public enum ConnectionSourceType
{
    Any,
    SameIpOrLoopback,
    External,
}
