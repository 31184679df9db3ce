using Gateway.Clusters.Model;

namespace Gateway.Filters.HeaderMutation;

/// <summary>One envoy.config.common.mutation_rules.v3.HeaderMutation: remove a header, append one, or remove those whose name matches.</summary>
/// <param name="Remove">remove: the (lower-cased) header name.</param>
/// <param name="Append">append: a HeaderValueOption.</param>
/// <param name="RemoveOnMatch">remove_on_match.key_matcher.</param>
public sealed record HeaderMutationRule(string? Remove, HeaderValueOptionConfig? Append, StringMatcherConfig? RemoveOnMatch);
