namespace Gateway.Filters.HeaderMutation;

/// <summary>header_mutation.v3.Mutations, validated: the rules applied to request and response headers, in order.</summary>
public sealed record HeaderMutationSettings(IReadOnlyList<HeaderMutationRule> Request, IReadOnlyList<HeaderMutationRule> Response)
{
    public static readonly HeaderMutationSettings Empty = new([], []);
}
