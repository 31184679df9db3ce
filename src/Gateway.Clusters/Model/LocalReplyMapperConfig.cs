namespace Gateway.Clusters.Model;

/// <summary>One local_reply_config.mappers entry: when <paramref name="Filter"/> matches, rewrite the reply.</summary>
public sealed record LocalReplyMapperConfig(
    AccessLogFilterConfig Filter,
    int? StatusCode,
    string? Body,
    SubstitutionFormatConfig? BodyFormatOverride,
    IReadOnlyList<HeaderValueOptionConfig> HeadersToAdd);
