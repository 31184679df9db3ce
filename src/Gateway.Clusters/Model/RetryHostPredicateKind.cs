namespace Gateway.Clusters.Model;

/// <summary>The envoy.retry_host_predicates extensions this gateway implements.</summary>
public enum RetryHostPredicateKind
{
    PreviousHosts,
    OmitCanaryHosts,
    OmitHostMetadata,
}
