using System.Text.RegularExpressions;

namespace Gateway.Routing;

/// <summary>Builds Envoy safe_regex matchers: RE2 semantics are whole-string, so the pattern is anchored.</summary>
internal static class RegexCache
{
    public static Regex WholeMatch(string pattern) =>
        new($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static Regex Search(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
}
