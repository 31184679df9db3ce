using Gateway.Clusters.Matching;
using System.Globalization;
using Gateway.Clusters.Configuration;
using Microsoft.AspNetCore.Http;
using static Gateway.Filters.Rbac.RbacMatcherEngine;

namespace Gateway.Filters.Rbac;

/// <summary>
/// Reads RBAC's <c>matcher</c> (xds.type.matcher.v3.Matcher): matcher_list with single/and/or/not
/// predicates over request headers and connection addresses and ports, nested matchers, on_no_match.
/// matcher_tree and custom matchers are refused as unsupported.
/// </summary>
internal static class RbacMatcherReader
{
    private const string MatcherType = "xds.type.matcher.v3.Matcher";
    private const string PredicateType = MatcherType + ".MatcherList.Predicate";
    private const string OnMatchType = "xds.type.matcher.v3.Matcher.OnMatch";
    private const string ActionType = "envoy.config.rbac.v3.Action";

    public static RbacMatcherEngine Read(MessageReader matcher) => new(ReadMatcher(matcher));

    private static MatcherNode ReadMatcher(MessageReader matcher)
    {
        var entries = new List<(Predicate, OnMatch)>();
        if (matcher.Message("matcher_list", MatcherType + ".MatcherList") is { } list)
        {
            foreach (var field in list.Messages("matchers", MatcherType + ".MatcherList.FieldMatcher"))
            {
                var predicate = field.Message("predicate", PredicateType);
                var onMatch = field.Message("on_match", OnMatchType);
                if (predicate is null || onMatch is null)
                {
                    field.Context.Error(field.Path, field.Mark, "a matcher needs predicate and on_match (Envoy: \"value is required\")");
                }

                var p = predicate is null ? null : ReadPredicate(predicate);
                var o = onMatch is null ? null : ReadOnMatch(onMatch);
                field.Finish();
                if (p is not null && o is not null)
                {
                    entries.Add((p, o));
                }
            }

            list.Finish();
        }

        matcher.Unsupported("matcher_tree", "write the rules as a matcher_list");
        var noMatch = matcher.Message("on_no_match", OnMatchType) is { } n ? ReadOnMatch(n) : null;
        matcher.Finish();
        return new MatcherNode(entries, noMatch);
    }

    private static OnMatch? ReadOnMatch(MessageReader onMatch)
    {
        MatchAction? action = null;
        MatcherNode? nested = null;
        if (onMatch.Message("action", TypedExtensionConfigType) is { } extension)
        {
            extension.Accept("name");
            var typed = extension.Any("typed_config");
            extension.Finish();
            if (typed is { TypeName: ActionType })
            {
                var name = typed.Reader.String("name") ?? "";
                var kind = typed.Reader.Enum("action", RbacAction.Allow, ActionType + ".Action");
                typed.Reader.Finish();
                action = new MatchAction(name, kind);
            }
            else if (typed is not null)
            {
                foreach (var f in typed.Reader.FieldNames.ToArray())
                {
                    typed.Reader.Accept(f);
                }

                typed.Reader.Finish();
                onMatch.Context.Error(typed.Reader.Path, typed.Reader.Mark, $"an RBAC matcher action must be a {ActionType} (name, action), not {typed.TypeName}");
            }
        }

        if (onMatch.Message("matcher", MatcherType) is { } matcher)
        {
            nested = ReadMatcher(matcher);
        }

        onMatch.Unsupported("keep_matching");
        onMatch.Finish();
        return action is null && nested is null ? null : new OnMatch(action, nested);
    }

    private const string TypedExtensionConfigType = "xds.core.v3.TypedExtensionConfig";

    private static Predicate? ReadPredicate(MessageReader predicate)
    {
        Predicate? result = null;
        if (predicate.Message("single_predicate", PredicateType + ".SinglePredicate") is { } single)
        {
            result = ReadSingle(single);
        }
        else if (predicate.Message("or_matcher", PredicateType + ".PredicateList") is { } or)
        {
            result = new Or(or.Messages("predicate", PredicateType).Select(ReadPredicate).OfType<Predicate>().ToArray());
            or.Finish();
        }
        else if (predicate.Message("and_matcher", PredicateType + ".PredicateList") is { } and)
        {
            result = new And(and.Messages("predicate", PredicateType).Select(ReadPredicate).OfType<Predicate>().ToArray());
            and.Finish();
        }
        else if (predicate.Message("not_matcher", PredicateType) is { } not && ReadPredicate(not) is { } inner)
        {
            result = new Not(inner);
        }

        if (result is null)
        {
            predicate.Context.Error(predicate.Path, predicate.Mark, "a predicate needs one of single_predicate, or_matcher, and_matcher or not_matcher");
        }

        predicate.Finish();
        return result;
    }

    private static Predicate? ReadSingle(MessageReader single)
    {
        Func<HttpContext, string?>? input = null;
        if (single.Message("input", TypedExtensionConfigType) is { } extension)
        {
            extension.Accept("name");
            var typed = extension.Any("typed_config");
            extension.Finish();
            if (typed is not null)
            {
                input = ReadInput(typed);
                typed.Reader.Finish();
            }
        }
        else
        {
            single.Context.Error(single.Join("input"), single.Mark, "single_predicate needs input");
        }

        single.Unsupported("custom_match", "use value_match (a string matcher)");
        var value = single.Message("value_match", "xds.type.matcher.v3.StringMatcher");
        StringMatcher? matcher = value is null ? null : new StringMatcher(StringMatcherReader.Read(value));
        if (value is null && !single.Has("custom_match"))
        {
            single.Context.Error(single.Join("value_match"), single.Mark, "single_predicate needs value_match");
        }

        single.Finish();
        return input is not null && matcher is not null ? new SingleMatch(input, matcher) : null;
    }

    private static Func<HttpContext, string?>? ReadInput(TypedMessage typed)
    {
        var reader = typed.Reader;
        switch (typed.TypeName)
        {
            case "envoy.type.matcher.v3.HttpRequestHeaderMatchInput":
                var name = reader.RequiredString("header_name").ToLowerInvariant();
                return http => http.Request.Headers.TryGetValue(name, out var values) ? string.Join(',', values.ToArray()) : null;
            case "envoy.extensions.matching.common_inputs.network.v3.DestinationPortInput":
                return http => http.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
            case "envoy.extensions.matching.common_inputs.network.v3.DestinationIPInput":
                return http => http.Connection.LocalIpAddress?.ToString();
            case "envoy.extensions.matching.common_inputs.network.v3.SourceIPInput":
            case "envoy.extensions.matching.common_inputs.network.v3.DirectSourceIPInput":
                return http => http.Connection.RemoteIpAddress?.ToString();
            case "envoy.extensions.matching.common_inputs.network.v3.SourcePortInput":
                return http => http.Connection.RemotePort.ToString(CultureInfo.InvariantCulture);
            default:
                foreach (var f in reader.FieldNames.ToArray())
                {
                    reader.Accept(f);
                }

                reader.Context.Unsupported(reader.Path, reader.Mark,
                    $"matcher input {typed.TypeName} is not supported by this gateway's RBAC; supported: HttpRequestHeaderMatchInput and the network Destination/Source IP and port inputs");
                return null;
        }
    }
}
