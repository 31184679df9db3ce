namespace Gateway.Clusters.Model;

/// <summary>envoy.config.core.v3.SubstitutionFormatString: a text or JSON format of command operators.</summary>
/// <param name="Text">text_format / text_format_source, or null for JSON.</param>
/// <param name="Json">json_format key to format-string pairs (nested objects not supported), or null.</param>
/// <param name="ContentType">content_type of a local reply body written with this format, or null for the default.</param>
public sealed record SubstitutionFormatConfig(string? Text, IReadOnlyList<KeyValuePair<string, string>>? Json, string? ContentType, bool OmitEmptyValues);
