using Gateway.Clusters.Table;

namespace Gateway.Clusters.LoadBalancing;

/// <summary>Weighted random choice.</summary>
public sealed class RandomLoadBalancer : ILoadBalancer
{
    public UpstreamEndpoint Pick(UpstreamEndpoint[] endpoints)
    {
        if (endpoints.Length == 1)
        {
            return endpoints[0];
        }

        var total = 0;
        foreach (var e in endpoints)
        {
            total += e.Weight;
        }

        var roll = Random.Shared.Next(total);
        foreach (var e in endpoints)
        {
            roll -= e.Weight;
            if (roll < 0)
            {
                return e;
            }
        }

        return endpoints[^1];
    }
}
