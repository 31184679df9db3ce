namespace Gateway.Clusters.Model;

/// <summary>Envoy's RouteConfiguration: virtual hosts in order, plus header edits for all of them.</summary>
public sealed record RouteTableConfig(string Name, IReadOnlyList<VirtualHostConfig> VirtualHosts, HeaderMutationConfig Headers);
