using Gateway.Clusters.Matching;
using System.Text.RegularExpressions;
using Gateway.Clusters.Model;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.JwtAuthn;

/// <summary>A rule's RouteMatch, compiled once: path specifier (on the raw target, as routes match) and headers.</summary>
internal sealed class JwtRuleMatcher
{
    private readonly RouteMatchConfig _config;
    private readonly StringComparison _comparison;
    private readonly Regex? _regex;
    private readonly HeaderMatcher[] _headers;

    public JwtRuleMatcher(RouteMatchConfig config)
    {
        _config = config;
        _comparison = config.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        _regex = config.Kind == PathMatchKind.SafeRegex ? RegexCache.WholeMatch(config.Value) : null;
        _headers = config.Headers.Select(h => new HeaderMatcher(h)).ToArray();
    }

    public bool Matches(HttpRequest request, string rawTarget)
    {
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        var pathMatches = _config.Kind switch
        {
            PathMatchKind.Prefix => rawTarget.StartsWith(_config.Value, _comparison),
            PathMatchKind.Path => string.Equals(path, _config.Value, _comparison),
            PathMatchKind.SafeRegex => _regex!.IsMatch(path),
            _ => path.StartsWith(_config.Value, _comparison) && (path.Length == _config.Value.Length || path[_config.Value.Length] == '/'),
        };
        return pathMatches && _headers.All(h => h.Matches(request, rawTarget));
    }
}
