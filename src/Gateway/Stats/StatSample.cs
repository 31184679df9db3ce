using Gateway.Clusters.Stats;

namespace Gateway.Stats;

/// <summary>One stat's value at the moment the admin walked the registry.</summary>
/// <param name="Name">Envoy's full name, as /stats prints it.</param>
/// <param name="TagExtractedName">The name with tag values removed, as Prometheus prints it.</param>
/// <param name="Tags">The tags Envoy's tag extraction finds in <paramref name="Name"/>.</param>
public sealed record StatSample(string Name, string TagExtractedName, StatTag[] Tags, StatKind Kind, long Value);
