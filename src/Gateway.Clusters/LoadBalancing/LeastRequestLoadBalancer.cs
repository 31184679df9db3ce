using Gateway.Clusters.Table;

namespace Gateway.Clusters.LoadBalancing;

/// <summary>Envoy's LEAST_REQUEST default: power of two random choices, fewer active requests wins.</summary>
public sealed class LeastRequestLoadBalancer : ILoadBalancer
{
    public UpstreamEndpoint Pick(UpstreamEndpoint[] endpoints)
    {
        if (endpoints.Length == 1)
        {
            return endpoints[0];
        }

        var a = endpoints[Random.Shared.Next(endpoints.Length)];
        var b = endpoints[Random.Shared.Next(endpoints.Length)];
        return Volatile.Read(ref b.Stats.RqActive) < Volatile.Read(ref a.Stats.RqActive) ? b : a;
    }
}
