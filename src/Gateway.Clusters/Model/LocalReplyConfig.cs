namespace Gateway.Clusters.Model;

/// <summary>HCM local_reply_config: mappers tried in order (first match wins), then the body format.</summary>
public sealed record LocalReplyConfig(IReadOnlyList<LocalReplyMapperConfig> Mappers, SubstitutionFormatConfig? BodyFormat);
