namespace Gateway.Clusters.Model;

/// <summary>The actions of envoy.config.route.v3.RateLimit.Action this gateway builds descriptor entries from.</summary>
public enum RateLimitActionKind
{
    SourceCluster,
    DestinationCluster,
    RequestHeaders,
    RemoteAddress,
    GenericKey,
    HeaderValueMatch,
}
