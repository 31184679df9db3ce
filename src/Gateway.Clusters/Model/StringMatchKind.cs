namespace Gateway.Clusters.Model;

public enum StringMatchKind
{
    Exact,
    Prefix,
    Suffix,
    Contains,
    SafeRegex,
}
