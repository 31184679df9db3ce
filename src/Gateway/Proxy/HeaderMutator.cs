using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Gateway.Filters.Headers;

namespace Gateway.Proxy;

/// <summary>Applies Envoy's headers_to_remove, then headers_to_add with its append actions (the filters' writer, shared).</summary>
public static class HeaderMutator
{
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<string> remove, IReadOnlyList<HeaderValueOptionConfig> add)
    {
        for (var i = 0; i < remove.Count; i++)
        {
            headers.Remove(remove[i]);
        }

        HeaderValueOptionWriter.Apply(headers, add);
    }
}
