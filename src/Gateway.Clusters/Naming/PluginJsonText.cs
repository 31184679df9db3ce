using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Clusters.Naming;

/// <summary>
/// The pieces of a plugin-JSON error message, shared by every reader of plugin configuration so the
/// same mistake reads the same wherever it is made: the JSON path of a member, what a value was, and
/// the closest known name.
/// </summary>
public static class PluginJsonText
{
    private static readonly Regex PlainMember = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary><c>$.a.b</c>, or <c>$.a['odd name']</c> when the member name is not a plain identifier.</summary>
    public static string Child(string parent, string name)
        => PlainMember.IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>" (did you mean "x"?)" for the closest candidate, or "" when none is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var close = ClusterNameSuggestions.Closest(name, candidates, 1);
        return close.Count == 0 ? "" : $" (did you mean \"{close[0]}\"?)";
    }

    /// <summary>What a value is, for "expected X, got ..." messages.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "nothing",
    };
}
