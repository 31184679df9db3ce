using System.Text.RegularExpressions;

namespace Gateway.Clusters.Matching;

/// <summary>Builds Envoy safe_regex matchers: RE2 semantics are whole-string, so the pattern is anchored.</summary>
public static class RegexCache
{
    public static Regex WholeMatch(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static Regex Search(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
}
