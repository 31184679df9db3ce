using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Headers;

/// <summary>Applies a HeaderValueOption list (response_headers_to_add, ...) with Envoy's append actions.</summary>
public static class HeaderValueOptionWriter
{
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<HeaderValueOptionConfig> options)
    {
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            Write(headers, option.Key, option.Value, option.Action, option.KeepEmptyValue);
        }
    }

    [ThreadStatic]
    private static string?[]? t_values;

    [ThreadStatic]
    private static bool[]? t_overwrite;

    /// <summary>
    /// Applies options whose values may be formatted per request (route header edits) as Envoy's
    /// HeaderParser::evaluateHeaders does: every value is formatted, and every append action decided, against the
    /// headers as they were found (none sees another's edit); then the overwrites are made, then the additions.
    /// </summary>
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<HeaderValueOption> options, HttpFilterContext context)
    {
        if (options.Count <= 1)
        {
            // One entry: evaluating it first and writing it then is what the sequential write does.
            for (var i = 0; i < options.Count; i++)
            {
                var (option, formatter) = options[i];
                Write(headers, option.Key, formatter is null ? option.Value : formatter.Format(context), option.Action, option.KeepEmptyValue);
            }

            return;
        }

        var values = t_values is { } v && v.Length >= options.Count ? v : t_values = new string?[Math.Max(8, options.Count)];
        var overwrite = t_overwrite is { } o && o.Length >= values.Length ? o : t_overwrite = new bool[values.Length];
        for (var i = 0; i < options.Count; i++)
        {
            var (option, formatter) = options[i];
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

        for (var i = 0; i < options.Count; i++)
        {
            if (values[i] is { } value && overwrite[i])
            {
                headers[options[i].Config.Key] = value;
                values[i] = null;
            }
        }

        for (var i = 0; i < options.Count; i++)
        {
            if (values[i] is { } value)
            {
                var key = options[i].Config.Key;
                headers[key] = headers.TryGetValue(key, out var current) ? StringValues.Concat(current, value) : new StringValues(value);
                values[i] = null;
            }
        }
    }

    /// <summary>Envoy's HeaderParser: an empty value is skipped unless keep_empty_value; then the append action.</summary>
    private static void Write(IHeaderDictionary headers, string key, string value, HeaderAppendAction action, bool keepEmptyValue)
    {
        if (value.Length == 0 && !keepEmptyValue)
        {
            return;
        }

        var exists = headers.TryGetValue(key, out var current);
        switch (action)
        {
            case HeaderAppendAction.AppendIfExistsOrAdd:
                headers[key] = exists ? StringValues.Concat(current, value) : new StringValues(value);
                break;
            case HeaderAppendAction.AddIfAbsent when !exists:
            case HeaderAppendAction.OverwriteIfExistsOrAdd:
            case HeaderAppendAction.OverwriteIfExists when exists:
                headers[key] = value;
                break;
        }
    }
}
