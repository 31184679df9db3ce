namespace Gateway.Clusters.Model;

public enum PathMatchKind
{
    /// <summary>Raw string prefix of :path (<c>/api</c> matches <c>/apix</c>).</summary>
    Prefix,

    /// <summary>Exact match of the path without its query.</summary>
    Path,

    /// <summary>RE2-style regex that must match the whole path without its query.</summary>
    SafeRegex,

    /// <summary>Prefix that ends at a segment boundary: <c>/api</c> matches <c>/api</c>, <c>/api/x</c>, not <c>/apix</c>.</summary>
    PathSeparatedPrefix,
}
