namespace Gateway.Clusters.Model;

/// <summary>request/response_headers_to_add/remove at one level (route config, virtual host, route).</summary>
public sealed record HeaderMutationConfig(
    IReadOnlyList<HeaderValueOptionConfig> RequestAdd,
    IReadOnlyList<string> RequestRemove,
    IReadOnlyList<HeaderValueOptionConfig> ResponseAdd,
    IReadOnlyList<string> ResponseRemove)
{
    public static readonly HeaderMutationConfig Empty = new([], [], [], []);

    public bool IsEmpty => RequestAdd.Count == 0 && RequestRemove.Count == 0 && ResponseAdd.Count == 0 && ResponseRemove.Count == 0;
}
