using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Wasm;

/// <summary>
/// The header maps a plugin reads and writes, as Envoy presents them: lower-case names, the request's
/// <c>:authority</c>, <c>:path</c>, <c>:method</c>, <c>:scheme</c> and the response's <c>:status</c>
/// as pseudo-headers, one pair per value. Backed by the request's HttpContext (and, for a callout's
/// headers, by the response being delivered).
/// </summary>
internal static class WasmHeaderMaps
{
    public static int Pairs(WasmContext context, int type, out List<KeyValuePair<string, string>> pairs)
    {
        pairs = [];
        switch (type)
        {
            case ProxyWasmAbi.MapHttpCallResponseHeaders:
            case ProxyWasmAbi.MapHttpCallResponseTrailers:
                if (context.CallResponse is not { } call)
                {
                    // Envoy: no such map outside proxy_on_http_call_response.
                    return ProxyWasmAbi.BadArgument;
                }

                pairs = type == ProxyWasmAbi.MapHttpCallResponseHeaders ? call.Headers : call.Trailers;
                return ProxyWasmAbi.Ok;
        }

        if (context.Stream?.FilterContext.HttpContext is not { } http)
        {
            return ProxyWasmAbi.NotFound;
        }

        switch (type)
        {
            case ProxyWasmAbi.MapRequestHeaders:
                var request = http.Request;
                pairs.Add(new(":authority", request.Host.Value ?? ""));
                pairs.Add(new(":path", request.Path.Value + request.QueryString.Value));
                pairs.Add(new(":method", request.Method));
                pairs.Add(new(":scheme", request.Scheme));
                AddAll(pairs, request.Headers, skipHost: true);
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapResponseHeaders:
                pairs.Add(new(":status", http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                AddAll(pairs, http.Response.Headers, skipHost: false);
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapRequestTrailers:
                if (http.Features.Get<IHttpRequestTrailersFeature>() is { Available: true } requestTrailers)
                {
                    AddAll(pairs, requestTrailers.Trailers, skipHost: false);
                }

                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapResponseTrailers:
                if (http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { } responseTrailers)
                {
                    AddAll(pairs, responseTrailers, skipHost: false);
                }

                return ProxyWasmAbi.Ok;
            default:
                return ProxyWasmAbi.BadArgument;
        }
    }

    public static int Get(WasmContext context, int type, string name, out string? value)
    {
        value = null;
        var lower = name.ToLowerInvariant();
        if (type is ProxyWasmAbi.MapRequestHeaders or ProxyWasmAbi.MapResponseHeaders && context.Stream?.FilterContext.HttpContext is { } http)
        {
            // The common case without building every pair.
            if (type == ProxyWasmAbi.MapRequestHeaders)
            {
                value = lower switch
                {
                    ":authority" or "host" => http.Request.Host.Value ?? "",
                    ":path" => http.Request.Path.Value + http.Request.QueryString.Value,
                    ":method" => http.Request.Method,
                    ":scheme" => http.Request.Scheme,
                    _ => Joined(http.Request.Headers, lower),
                };
            }
            else
            {
                value = lower == ":status"
                    ? http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : Joined(http.Response.Headers, lower);
            }

            return ProxyWasmAbi.Ok;
        }

        var status = Pairs(context, type, out var pairs);
        if (status != ProxyWasmAbi.Ok)
        {
            return status;
        }

        foreach (var (key, v) in pairs)
        {
            if (key.Equals(lower, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                break;
            }
        }

        return ProxyWasmAbi.Ok;
    }

    /// <summary>Adds (<paramref name="replace"/> false), replaces, or with a null value removes a header.</summary>
    public static int Set(WasmContext context, int type, string name, string? value, bool replace)
    {
        var lower = name.ToLowerInvariant();
        if (type is ProxyWasmAbi.MapHttpCallResponseHeaders or ProxyWasmAbi.MapHttpCallResponseTrailers)
        {
            if (context.CallResponse is not { } call)
            {
                return ProxyWasmAbi.NotFound;
            }

            var list = type == ProxyWasmAbi.MapHttpCallResponseHeaders ? call.Headers : call.Trailers;
            if (replace || value is null)
            {
                list.RemoveAll(p => p.Key.Equals(lower, StringComparison.OrdinalIgnoreCase));
            }

            if (value is not null)
            {
                list.Add(new(lower, value));
            }

            return ProxyWasmAbi.Ok;
        }

        if (context.Stream is not { } stream)
        {
            return ProxyWasmAbi.NotFound;
        }

        var http = stream.FilterContext.HttpContext;
        switch (type)
        {
            case ProxyWasmAbi.MapRequestHeaders:
                stream.RequestHeadersChanged = true;
                if (SetRequestPseudo(http.Request, lower, value))
                {
                    return ProxyWasmAbi.Ok;
                }

                Apply(http.Request.Headers, lower, value, replace);
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapResponseHeaders:
                if (lower == ":status")
                {
                    if (value is not null && int.TryParse(value, out var code) && !http.Response.HasStarted)
                    {
                        http.Response.StatusCode = code;
                    }

                    return ProxyWasmAbi.Ok;
                }

                if (!http.Response.HasStarted)
                {
                    Apply(http.Response.Headers, lower, value, replace);
                }

                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapResponseTrailers:
                if (http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers)
                {
                    Apply(trailers, lower, value, replace);
                }

                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.MapRequestTrailers:
                if (http.Features.Get<IHttpRequestTrailersFeature>() is { Available: true, Trailers: { IsReadOnly: false } requestTrailers })
                {
                    Apply(requestTrailers, lower, value, replace);
                }

                return ProxyWasmAbi.Ok;
            default:
                return ProxyWasmAbi.BadArgument;
        }
    }

    public static int SetPairs(WasmContext context, int type, List<KeyValuePair<string, string>> pairs)
    {
        if (context.Stream is { } stream && type is ProxyWasmAbi.MapRequestHeaders or ProxyWasmAbi.MapResponseHeaders)
        {
            var http = stream.FilterContext.HttpContext;
            var headers = type == ProxyWasmAbi.MapRequestHeaders ? http.Request.Headers : http.Response.Headers;
            if (type == ProxyWasmAbi.MapResponseHeaders && http.Response.HasStarted)
            {
                return ProxyWasmAbi.Ok;
            }

            foreach (var key in headers.Keys.ToArray())
            {
                if (type == ProxyWasmAbi.MapRequestHeaders && key.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                headers.Remove(key);
            }
        }

        foreach (var (name, value) in pairs)
        {
            var status = Set(context, type, name, value, replace: false);
            if (status != ProxyWasmAbi.Ok)
            {
                return status;
            }
        }

        return ProxyWasmAbi.Ok;
    }

    private static bool SetRequestPseudo(HttpRequest request, string name, string? value)
    {
        switch (name)
        {
            case ":authority":
            case "host":
                if (value is not null)
                {
                    request.Host = new HostString(value);
                }

                return true;
            case ":path":
                if (value is not null)
                {
                    var query = value.IndexOf('?', StringComparison.Ordinal);
                    request.Path = new PathString(query < 0 ? value : value[..query]);
                    request.QueryString = query < 0 ? QueryString.Empty : new QueryString(value[query..]);
                }

                return true;
            case ":method":
                if (value is not null)
                {
                    request.Method = value;
                }

                return true;
            case ":scheme":
                if (value is not null)
                {
                    request.Scheme = value;
                }

                return true;
            default:
                return name.StartsWith(':');
        }
    }

    private static void Apply(IHeaderDictionary headers, string name, string? value, bool replace)
    {
        if (value is null)
        {
            headers.Remove(name);
        }
        else if (replace || !headers.ContainsKey(name))
        {
            headers[name] = value;
        }
        else
        {
            headers.Append(name, value);
        }
    }

    /// <summary>Envoy answers the first value of a repeated header (its TODO notes the ABI has no way to return several).</summary>
    private static string? Joined(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count != 0 ? values[0] : null;

    private static void AddAll(List<KeyValuePair<string, string>> pairs, IHeaderDictionary headers, bool skipHost)
    {
        foreach (var (name, values) in headers)
        {
            if (skipHost && name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            foreach (var value in (StringValues)values)
            {
                pairs.Add(new(lower, value ?? ""));
            }
        }
    }
}
