namespace Gateway.Clusters.Model;

/// <summary>RegexMatchAndSubstitute: every match of <paramref name="Pattern"/> is replaced (RE2 <c>\1</c> groups).</summary>
public sealed record RegexRewriteConfig(string Pattern, string Substitution);
