using System.Text.RegularExpressions;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Matching;

/// <summary>A compiled envoy.type.matcher.v3.StringMatcher (regexes compiled once per config load).</summary>
public sealed class StringMatcher
{
    private readonly StringMatchKind _kind;
    private readonly string _value;
    private readonly StringComparison _comparison;
    private readonly Regex? _regex;

    public StringMatcher(StringMatcherConfig config)
    {
        _kind = config.Kind;
        _value = config.Value;
        _comparison = config.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (config.Kind == StringMatchKind.SafeRegex)
        {
            _regex = RegexCache.WholeMatch(config.Value);
        }
    }

    public bool Matches(string value) => _kind switch
    {
        StringMatchKind.Exact => string.Equals(value, _value, _comparison),
        StringMatchKind.Prefix => value.StartsWith(_value, _comparison),
        StringMatchKind.Suffix => value.EndsWith(_value, _comparison),
        StringMatchKind.Contains => value.Contains(_value, _comparison),
        _ => _regex!.IsMatch(value),
    };
}
