using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;

namespace Gateway.Filters.ExtAuthz;

/// <summary>A list of string matchers on (lower-case) header names, compiled once per config load.</summary>
internal sealed class HeaderNameMatcher
{
    public static readonly HeaderNameMatcher None = new([]);

    private readonly StringMatcher[] _matchers;

    public HeaderNameMatcher(IEnumerable<StringMatcherConfig> configs, params string[] alwaysExact)
    {
        _matchers = configs.Select(c => new StringMatcher(c))
            .Concat(alwaysExact.Select(n => new StringMatcher(new StringMatcherConfig(StringMatchKind.Exact, n, IgnoreCase: true))))
            .ToArray();
    }

    public bool IsEmpty => _matchers.Length == 0;

    public bool Matches(string name)
    {
        foreach (var matcher in _matchers)
        {
            if (matcher.Matches(name))
            {
                return true;
            }
        }

        return false;
    }
}
