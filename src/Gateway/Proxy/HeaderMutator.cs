using Gateway.Clusters.Model;
using Gateway.Filters;
using Gateway.Filters.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>
/// Applies one level's headers_to_remove, then its headers_to_add as Envoy's HeaderParser::evaluateHeaders does:
/// every value is formatted, and every append action decided, against the headers as the level found them (after
/// its removals, before any of its additions); then the overwrites are made, then the additions. A level is the
/// weighted cluster's, the route's, the virtual host's or the route configuration's edits, applied in that order (the last three reversed by most_specific_header_mutations_wins).
/// </summary>
public static class HeaderMutator
{
    [ThreadStatic]
    private static string?[]? t_values;

    [ThreadStatic]
    private static bool[]? t_overwrite;

    public static void Apply(IHeaderDictionary headers, IReadOnlyList<string> remove, IReadOnlyList<HeaderValueOption> add, HttpFilterContext context)
    {
        for (var i = 0; i < remove.Count; i++)
        {
            headers.Remove(remove[i]);
        }

        if (add.Count <= 1)
        {
            // One entry: evaluating it first and writing it then is what the sequential writer does.
            HeaderValueOptionWriter.Apply(headers, add, context);
            return;
        }

        var values = t_values is { } v && v.Length >= add.Count ? v : t_values = new string?[Math.Max(8, add.Count)];
        var overwrite = t_overwrite is { } o && o.Length >= values.Length ? o : t_overwrite = new bool[values.Length];
        for (var i = 0; i < add.Count; i++)
        {
            var (option, formatter) = add[i];
            var value = formatter is null ? option.Value : formatter.Format(context);
            values[i] = null;
            if (value.Length == 0 && !option.KeepEmptyValue)
            {
                continue;
            }

            var exists = headers.ContainsKey(option.Key);
            switch (option.Action)
            {
                case HeaderAppendAction.AppendIfExistsOrAdd:
                case HeaderAppendAction.AddIfAbsent when !exists:
                    (values[i], overwrite[i]) = (value, false);
                    break;
                case HeaderAppendAction.OverwriteIfExistsOrAdd:
                case HeaderAppendAction.OverwriteIfExists when exists:
                    (values[i], overwrite[i]) = (value, true);
                    break;
            }
        }

        for (var i = 0; i < add.Count; i++)
        {
            if (values[i] is { } value && overwrite[i])
            {
                headers[add[i].Config.Key] = value;
                values[i] = null;
            }
        }

        for (var i = 0; i < add.Count; i++)
        {
            if (values[i] is { } value)
            {
                var key = add[i].Config.Key;
                headers[key] = headers.TryGetValue(key, out var current) ? StringValues.Concat(current, value) : new StringValues(value);
                values[i] = null;
            }
        }
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
