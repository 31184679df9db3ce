namespace Gateway.Clusters.Model;

/// <summary>One custom_tags entry: the tag name and where its value comes from.</summary>
/// <param name="Tag">The tag's name on the span.</param>
/// <param name="Kind">Literal, request header or environment variable.</param>
/// <param name="Value">The literal value, or the header / environment variable name.</param>
/// <param name="DefaultValue">Used when the header or variable is absent; null: no tag then.</param>
public sealed record CustomTagConfig(string Tag, CustomTagKind Kind, string Value, string? DefaultValue);
