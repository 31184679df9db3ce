namespace Gateway.Filters.HeaderMutation;

/// <summary>envoy.extensions.filters.http.header_mutation.v3.HeaderMutation, validated.</summary>
public sealed record HeaderMutationFilterSettings(string FilterName, HeaderMutationSettings Mutations);
