using Gateway.Clusters.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Gateway.Clusters.Model;

namespace Gateway.Filters.HeaderMutation;

/// <summary>A list of header mutation rules with their matchers compiled once per config load, applied in order.</summary>
public sealed class CompiledHeaderMutations
{
    private readonly HeaderMutationRule[] _rules;
    private readonly StringMatcher?[] _matchers;

    public CompiledHeaderMutations(IReadOnlyList<HeaderMutationRule> rules)
    {
        _rules = rules.ToArray();
        _matchers = _rules.Select(r => r.RemoveOnMatch is { } m ? new StringMatcher(m) : null).ToArray();
    }

    public bool IsEmpty => _rules.Length == 0;

    public void Apply(IHeaderDictionary headers)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            if (rule.Remove is { } name)
            {
                headers.Remove(name);
            }
            else if (rule.Append is { } option)
            {
                Append(headers, option);
            }
            else if (_matchers[i] is { } matcher)
            {
                foreach (var key in headers.Keys.Where(k => matcher.Matches(k.ToLowerInvariant())).ToArray())
                {
                    headers.Remove(key);
                }
            }
        }
    }

    private static void Append(IHeaderDictionary headers, HeaderValueOptionConfig option)
    {
        if (option.Value.Length == 0 && !option.KeepEmptyValue)
        {
            return;
        }

        var exists = headers.TryGetValue(option.Key, out var current);
        switch (option.Action)
        {
            case HeaderAppendAction.AppendIfExistsOrAdd:
                headers[option.Key] = exists ? StringValues.Concat(current, option.Value) : new StringValues(option.Value);
                break;
            case HeaderAppendAction.AddIfAbsent:
                if (!exists)
                {
                    headers[option.Key] = option.Value;
                }

                break;
            case HeaderAppendAction.OverwriteIfExists:
                if (exists)
                {
                    headers[option.Key] = option.Value;
                }

                break;
            default:
                headers[option.Key] = option.Value;
                break;
        }
    }
}
