using Gateway.Filters;
using Gateway.Filters.Headers;
using Microsoft.AspNetCore.Http;

namespace Gateway.Proxy;

/// <summary>
/// Applies one level's headers_to_remove, then its headers_to_add (HeaderValueOptionWriter: each value formatted and
/// its append action decided against the headers as the level found them, after its removals). A level is the
/// weighted cluster's, the route's, the virtual host's or the route configuration's edits, applied in that order (the last three reversed by most_specific_header_mutations_wins).
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

    /// <summary>Applies levels in the order CompiledRoute gave them (most specific first unless most_specific_header_mutations_wins; the later one wins an overwrite).</summary>
    public static void Apply(IHeaderDictionary headers, HeaderEditLevel[] levels, HttpFilterContext context)
    {
        foreach (var level in levels)
        {
            Apply(headers, level.Remove, level.Add, context);
        }
    }
}
