namespace Gateway.Clusters.Model;

public sealed record WeightedClusterEntryConfig(string Name, int Weight, HeaderMutationConfig Headers);
