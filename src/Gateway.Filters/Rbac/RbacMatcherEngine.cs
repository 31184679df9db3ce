using Gateway.Clusters.Matching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Rbac;

/// <summary>
/// RBAC's matcher form (xds.type.matcher.v3.Matcher with envoy.config.rbac.v3.Action results): the first
/// matcher_list entry whose predicate holds gives the action (a nested matcher is evaluated in turn),
/// else on_no_match; no action at all denies, as Envoy's RoleBasedAccessControlMatcherEngineImpl does.
/// </summary>
public sealed class RbacMatcherEngine : IRbacEngine
{
    private readonly MatcherNode _root;

    internal RbacMatcherEngine(MatcherNode root)
    {
        _root = root;
    }

    public bool Allows(HttpContext http, out string? effectivePolicy, out bool logged)
    {
        var action = _root.Evaluate(http);
        effectivePolicy = action?.Name;
        logged = action?.Action == RbacAction.Log;
        return action is not null && action.Action != RbacAction.Deny;
    }

    /// <summary>envoy.config.rbac.v3.Action: a name (the effective policy) and ALLOW, DENY or LOG.</summary>
    internal sealed record MatchAction(string Name, RbacAction Action);

    /// <summary>An OnMatch: an action, or a nested matcher.</summary>
    internal sealed record OnMatch(MatchAction? Action, MatcherNode? Matcher)
    {
        public MatchAction? Evaluate(HttpContext http) => Action ?? Matcher?.Evaluate(http);
    }

    internal sealed record MatcherNode(IReadOnlyList<(Predicate Predicate, OnMatch OnMatch)> Matchers, OnMatch? OnNoMatch)
    {
        public MatchAction? Evaluate(HttpContext http)
        {
            foreach (var (predicate, onMatch) in Matchers)
            {
                if (predicate.Matches(http))
                {
                    return onMatch.Evaluate(http);
                }
            }

            return OnNoMatch?.Evaluate(http);
        }
    }

    internal abstract class Predicate
    {
        public abstract bool Matches(HttpContext http);
    }

    internal sealed class And(Predicate[] predicates) : Predicate
    {
        public override bool Matches(HttpContext http) => predicates.All(p => p.Matches(http));
    }

    internal sealed class Or(Predicate[] predicates) : Predicate
    {
        public override bool Matches(HttpContext http) => predicates.Any(p => p.Matches(http));
    }

    internal sealed class Not(Predicate predicate) : Predicate
    {
        public override bool Matches(HttpContext http) => !predicate.Matches(http);
    }

    /// <summary>single_predicate: an input's value against a string matcher; no value (a missing header) does not match.</summary>
    internal sealed class SingleMatch(Func<HttpContext, string?> input, StringMatcher matcher) : Predicate
    {
        public override bool Matches(HttpContext http) => input(http) is { } value && matcher.Matches(value);
    }
}
