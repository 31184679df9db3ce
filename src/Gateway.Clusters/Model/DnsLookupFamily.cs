namespace Gateway.Clusters.Model;

public enum DnsLookupFamily
{
    Auto,
    V4Only,
    V6Only,
    V4Preferred,
    All,
}
