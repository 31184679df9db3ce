namespace Gateway.Clusters.Naming;

/// <summary>
/// The outcome of <see cref="HigressClusterSpecParser.Parse"/>: exactly one of Spec and Error is set.
/// Offered next to the Try pattern for callers that want to carry the result around (e.g. validation reports).
/// </summary>
public sealed record HigressClusterSpecParseResult(HigressClusterSpec? Spec, string? Error)
{
    public bool Success => Spec is not null;
}
