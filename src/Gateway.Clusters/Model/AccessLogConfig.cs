namespace Gateway.Clusters.Model;

/// <summary>An HCM access log sink and its format.</summary>
/// <param name="Sink">stdout, stderr or file.</param>
/// <param name="Path">The file path when <paramref name="Sink"/> is file.</param>
/// <param name="TextFormat">Envoy command-operator format; null means Envoy's default line.</param>
/// <param name="JsonFormat">Key to format-string map for json_format, or null.</param>
public sealed record AccessLogConfig(
    AccessLogSink Sink,
    string? Path,
    string? TextFormat,
    IReadOnlyList<KeyValuePair<string, string>>? JsonFormat)
{
    /// <summary>The access log's filter, or null to log every request.</summary>
    public AccessLogFilterConfig? Filter { get; init; }
}
