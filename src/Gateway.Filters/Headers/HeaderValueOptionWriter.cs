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

    /// <summary>Applies options whose values may be formatted per request (route header edits).</summary>
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<HeaderValueOption> options, HttpFilterContext context)
    {
        for (var i = 0; i < options.Count; i++)
        {
            var (option, formatter) = options[i];
            Write(headers, option.Key, formatter is null ? option.Value : formatter.Format(context), option.Action, option.KeepEmptyValue);
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
