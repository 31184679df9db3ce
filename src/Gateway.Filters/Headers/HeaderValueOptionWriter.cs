using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Headers;

/// <summary>Applies a filter's HeaderValueOption list (response_headers_to_add, ...) with Envoy's append actions.</summary>
public static class HeaderValueOptionWriter
{
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<HeaderValueOptionConfig> options)
    {
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i];
            if (option.Value.Length == 0 && !option.KeepEmptyValue)
            {
                continue;
            }

            var exists = headers.TryGetValue(option.Key, out var current);
            switch (option.Action)
            {
                case HeaderAppendAction.AppendIfExistsOrAdd:
                    headers[option.Key] = exists ? StringValues.Concat(current, option.Value) : new StringValues(option.Value);
                    break;
                case HeaderAppendAction.AddIfAbsent when !exists:
                case HeaderAppendAction.OverwriteIfExistsOrAdd:
                case HeaderAppendAction.OverwriteIfExists when exists:
                    headers[option.Key] = option.Value;
                    break;
            }
        }
    }
}
