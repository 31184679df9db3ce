using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.HeaderMutation;

/// <summary>envoy.filters.http.header_mutation: request and response header rules, filter-wide and per route.</summary>
public sealed class HeaderMutationFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.header_mutation.v3.HeaderMutation";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.header_mutation.v3.HeaderMutationPerRoute";

    private const string MutationsType = "envoy.extensions.filters.http.header_mutation.v3.Mutations";
    private const string RuleType = "envoy.config.common.mutation_rules.v3.HeaderMutation";

    public bool CanParse(string typeName) => typeName == TypeName;

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var mutations = ReadMutations(reader);
        if (reader.Bool("most_specific_header_mutations_wins"))
        {
            // Only the most specific per-route entry is applied here (see the filter), so the order of levels does not arise.
            reader.Context.Warning(reader.Join("most_specific_header_mutations_wins"), reader.MarkOf("most_specific_header_mutations_wins"),
                $"header_mutation filter '{filterName}': only the most specific HeaderMutationPerRoute is applied by this gateway, so the order of levels does not change anything");
        }

        return new HeaderMutationFilterSettings(filterName, mutations);
    }

    public object? ParsePerRoute(string filterName, TypedMessage config) => ReadMutations(config.Reader);

    private static HeaderMutationSettings ReadMutations(MessageReader owner)
    {
        var mutations = owner.Message("mutations", MutationsType);
        if (mutations is null)
        {
            return HeaderMutationSettings.Empty;
        }

        var request = ReadRules(mutations, "request_mutations");
        var response = ReadRules(mutations, "response_mutations");
        mutations.Unsupported("query_parameter_mutations", "rewrite the query with the route's path rewrites instead");
        mutations.Unsupported("request_trailers_mutations");
        mutations.Unsupported("response_trailers_mutations");
        mutations.Finish();
        return new HeaderMutationSettings(request, response);
    }

    private static IReadOnlyList<HeaderMutationRule> ReadRules(MessageReader mutations, string field)
    {
        var rules = new List<HeaderMutationRule>();
        foreach (var rule in mutations.Messages(field, RuleType))
        {
            var remove = rule.String("remove");
            var appendReader = rule.Message("append", HeaderValueOptionReader.MessageType);
            var onMatch = rule.Message("remove_on_match", RuleType + ".RemoveOnMatch");
            var set = (remove is null ? 0 : 1) + (appendReader is null ? 0 : 1) + (onMatch is null ? 0 : 1);
            if (set != 1)
            {
                rule.Context.Error(rule.Path, rule.Mark,
                    set == 0 ? "a header mutation needs one of remove, append or remove_on_match (Envoy: \"value is required\")"
                             : "a header mutation takes one of remove, append or remove_on_match, not several (they are a oneof)");
            }

            HeaderMutationRule? result = null;
            if (remove is not null)
            {
                if (remove.Length == 0 || remove.StartsWith(':'))
                {
                    rule.Context.Error(rule.Join("remove"), rule.MarkOf("remove"), $"header mutation remove '{remove}': give a header name; pseudo-headers cannot be removed");
                }

                result = new HeaderMutationRule(remove.ToLowerInvariant(), null, null);
            }
            else if (appendReader is not null)
            {
                var options = HeaderValueOptionReader.Read([appendReader]);
                result = options.Count == 1 ? new HeaderMutationRule(null, options[0], null) : null;
            }
            else if (onMatch is not null)
            {
                var matcher = onMatch.Message("key_matcher", StringMatcherReader.MessageType);
                if (matcher is null)
                {
                    onMatch.Context.Error(onMatch.Join("key_matcher"), onMatch.Mark, "remove_on_match needs key_matcher (a string matcher on header names)");
                }
                else
                {
                    result = new HeaderMutationRule(null, null, StringMatcherReader.Read(matcher));
                }

                onMatch.Finish();
            }

            rule.Finish();
            if (result is not null)
            {
                rules.Add(result);
            }
        }

        return rules;
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is HeaderMutationFilterSettings settings
            ? new HeaderMutationFilter(settings)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(HeaderMutationFilterFactory)}.");
}
