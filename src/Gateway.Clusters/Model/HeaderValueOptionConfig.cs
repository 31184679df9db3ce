namespace Gateway.Clusters.Model;

/// <summary>A header to add, with Envoy's append semantics.</summary>
public sealed record HeaderValueOptionConfig(string Key, string Value, HeaderAppendAction Action, bool KeepEmptyValue)
{
    /// <summary>
    /// The value parsed as a substitution format when it holds command operators (route header edits);
    /// null for a plain value, whose text (escapes resolved) is <see cref="Value"/>.
    /// </summary>
    public IReadOnlyList<Configuration.SubstitutionFormatPart>? Format { get; init; }
}
