namespace Gateway.Clusters.Model;

/// <summary>
/// How the HCM rewrites <c>:path</c> before routing: <c>path_with_escaped_slashes_action</c>, then
/// <c>normalize_path</c> (RFC 3986 dot segments and escapes), then <c>merge_slashes</c>, in Envoy's order.
/// </summary>
public sealed record PathNormalizationConfig(bool NormalizePath, bool MergeSlashes, EscapedSlashesAction EscapedSlashes)
{
    public static readonly PathNormalizationConfig None = new(false, false, EscapedSlashesAction.KeepUnchanged);

    /// <summary>True when no rule changes a path (then no request pays for any).</summary>
    public bool IsNone => !NormalizePath && !MergeSlashes && EscapedSlashes is EscapedSlashesAction.KeepUnchanged;
}
