using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Routing;

/// <summary>A compiled query_parameters matcher (first value of the parameter, as Envoy).</summary>
internal sealed class QueryParameterMatcher
{
    private readonly string _name;
    private readonly StringMatcher? _matcher;

    public QueryParameterMatcher(QueryParameterMatcherConfig config)
    {
        _name = config.Name;
        _matcher = config.Matcher is null ? null : new StringMatcher(config.Matcher);
    }

    public bool Matches(HttpRequest request)
    {
        if (!request.Query.TryGetValue(_name, out var values) || values.Count == 0)
        {
            return false;
        }

        return _matcher is null || _matcher.Matches(values[0] ?? "");
    }
}
