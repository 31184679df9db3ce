namespace Gateway.Clusters.Model;

/// <summary>An address_prefix/prefix_len pair (Envoy's CidrRange), the address already parsed.</summary>
public sealed record CidrRangeConfig(System.Net.IPAddress Prefix, int PrefixLength)
{
    public override string ToString() => $"{Prefix}/{PrefixLength}";
}
