namespace Gateway.Clusters.Model;

/// <summary>
/// An HCM's <c>tracing</c> block: which tracer exports the spans, the sampling percentages and the tags
/// each server span carries.
/// </summary>
/// <param name="RandomSampling">random_sampling in percent (Envoy's default 100).</param>
/// <param name="ClientSampling">client_sampling in percent for requests carrying x-client-trace-id (default 100).</param>
/// <param name="OverallSampling">overall_sampling in percent, applied after the other decisions (default 100).</param>
/// <param name="SpawnUpstreamSpan">spawn_upstream_span; null when unset (the router's start_child_span decides).</param>
/// <param name="MaxPathTagLength">max_path_tag_length (default 256): the http.url tag is cut to it.</param>
public sealed record TracingConfig(
    TracingProviderConfig Provider,
    double RandomSampling,
    double ClientSampling,
    double OverallSampling,
    bool? SpawnUpstreamSpan,
    int MaxPathTagLength,
    IReadOnlyList<CustomTagConfig> CustomTags);
