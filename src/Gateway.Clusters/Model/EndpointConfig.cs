namespace Gateway.Clusters.Model;

/// <summary>One lb_endpoint: address (IP or host name), port, load-balancing weight and priority.</summary>
public sealed record EndpointConfig(string Address, int Port, int Weight, int Priority);
