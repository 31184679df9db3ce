using Gateway.Filters;
using Gateway.Filters.Headers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// Applies Envoy's headers_to_remove, then headers_to_add with its append actions (the filters' writer,
/// shared); values with command operators are formatted for this request.
/// </summary>
public static class HeaderMutator
{
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<string> remove, IReadOnlyList<HeaderValueOption> add, HttpFilterContext context)
    {
        for (var i = 0; i < remove.Count; i++)
        {
            headers.Remove(remove[i]);
        }

        HeaderValueOptionWriter.Apply(headers, add, context);
    }
}
