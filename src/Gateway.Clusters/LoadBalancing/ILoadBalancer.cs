using Gateway.Clusters.Table;

namespace Gateway.Clusters.LoadBalancing;

/// <summary>Chooses one endpoint among the healthy ones of a priority level.</summary>
public interface ILoadBalancer
{
    UpstreamEndpoint Pick(UpstreamEndpoint[] endpoints);
}
