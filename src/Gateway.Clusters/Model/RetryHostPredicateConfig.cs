namespace Gateway.Clusters.Model;

/// <summary>
/// One retry_host_predicate: hosts a retry avoids. <see cref="RetryHostPredicateKind.PreviousHosts"/> rejects hosts
/// this request already tried, <see cref="RetryHostPredicateKind.OmitCanaryHosts"/> hosts whose <c>envoy.lb</c>
/// metadata says <c>canary: true</c>, <see cref="RetryHostPredicateKind.OmitHostMetadata"/> hosts whose
/// <c>envoy.lb</c> metadata holds every pair of <paramref name="Metadata"/>.
/// </summary>
public sealed record RetryHostPredicateConfig(RetryHostPredicateKind Kind, IReadOnlyDictionary<string, object?>? Metadata = null);
