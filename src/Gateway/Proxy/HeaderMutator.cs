using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>Applies Envoy's headers_to_add / headers_to_remove with its append actions.</summary>
public static class HeaderMutator
{
    public static void Apply(IHeaderDictionary headers, IReadOnlyList<string> remove, IReadOnlyList<HeaderValueOptionConfig> add)
    {
        for (var i = 0; i < remove.Count; i++)
        {
            headers.Remove(remove[i]);
        }

        for (var i = 0; i < add.Count; i++)
        {
            var option = add[i];
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
                case HeaderAppendAction.AddIfAbsent:
                    if (!exists)
                    {
                        headers[option.Key] = option.Value;
                    }

                    break;
                case HeaderAppendAction.OverwriteIfExistsOrAdd:
                    headers[option.Key] = option.Value;
                    break;
                case HeaderAppendAction.OverwriteIfExists:
                    if (exists)
                    {
                        headers[option.Key] = option.Value;
                    }

                    break;
            }
        }
    }
}
