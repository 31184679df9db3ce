namespace Gateway.Clusters.Model;

public enum LbPolicy
{
    RoundRobin,
    LeastRequest,
    Random,
}
