using System.Globalization;
using System.Text.Json;
using Gateway.Clusters.Naming;
using static Gateway.Clusters.Naming.PluginJsonText;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// Reads the http-call plugin's configuration JSON. A wrong type or value is an error with its JSON path,
/// because a silently ignored mistake would only show up at run time as a callout that goes to the wrong
/// place (or to the seed's hard-coded 172.22.220.21). An unknown key is an error too, unless the caller
/// collects unknown keys (the filter factory does, and warns with the closest known key: an existing
/// plugin configuration may carry keys the WASM plugin itself never read).
/// </summary>
public static class HttpCallConfigParser
{
    private const string ClusterKey = "cluster";
    private const string MethodKey = "method";
    private const string PathKey = "path";
    private const string HeadersKey = "headers";
    private const string BodyKey = "body";
    private const string TimeoutKey = "timeout_ms";
    private const string ResponseHeaderKey = "response_header";
    private const string OnErrorKey = "on_error";
    private const string MaxHeaderBytesKey = "max_header_bytes";

    // The wasm-go example's flat form: {"fqdn": "httpbin.org", "port": 80, "path": "/post"}.
    private const string FlatFqdn = "fqdn";
    private const string FlatServiceName = "service_name";
    private const string FlatPort = "port";
    private const string FlatHost = "host";

    private static readonly string[] KnownKeys =
    [
        ClusterKey, MethodKey, PathKey, HeadersKey, BodyKey, TimeoutKey, ResponseHeaderKey, OnErrorKey, MaxHeaderBytesKey,
        FlatFqdn, FlatServiceName, FlatPort, FlatHost,
    ];

    private static readonly string[] FlatKeys = [FlatFqdn, FlatServiceName, FlatPort, FlatHost];

    /// <summary>Envoy's own header-count limits make bigger values pointless; 64 KiB is Envoy's max_request_headers_kb default range.</summary>
    public const int MaxHeaderBytesLimit = 64 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // The plugin's JSON is hand-written inside YAML; comments and trailing commas are common and harmless.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Parses <paramref name="json"/>; null or blank means <c>{}</c> (all defaults). On failure
    /// <paramref name="error"/> starts with the JSON path, e.g. <c>$.timeout_ms: expected an integer</c>.
    /// </summary>
    public static bool TryParse(string? json, out HttpCallConfig config, out string error) =>
        TryParse(json, out config, out error, unknownKeys: null);

    /// <summary>
    /// As above, but keys this filter does not know are collected in <paramref name="unknownKeys"/>
    /// (with a hint) instead of failing: a WASM plugin ignores JSON keys it does not read, so an
    /// existing plugin configuration must still load. The caller reports them as warnings.
    /// </summary>
    public static bool TryParse(string? json, out HttpCallConfig config, out string error, List<string>? unknownKeys)
    {
        config = HttpCallConfig.Default;
        error = "";
        if (string.IsNullOrWhiteSpace(json))
        {
            return true;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            error = $"$: invalid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}";
            return false;
        }

        using (document)
        {
            return TryRead(document.RootElement, out config, out error, unknownKeys);
        }
    }

    private static bool TryRead(JsonElement root, out HttpCallConfig config, out string error, List<string>? unknownKeys)
    {
        config = HttpCallConfig.Default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"$: expected a JSON object such as {{\"cluster\": {{...}}, \"path\": \"/echo/post\"}}, got {Describe(root)}";
            return false;
        }

        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (Array.IndexOf(KnownKeys, property.Name) < 0)
            {
                var message = $"{Child("$", property.Name)}: unknown key{DidYouMean(property.Name, KnownKeys)}" +
                        $"; the keys are {string.Join(", ", KnownKeys.Take(9))} (or the flat fqdn/service_name, port, host)";
                if (unknownKeys is not null)
                {
                    unknownKeys.Add(message);
                    continue;
                }

                error = message;
                return false;
            }

            if (!members.TryAdd(property.Name, property.Value))
            {
                error = $"{Child("$", property.Name)}: given more than once; keep one";
                return false;
            }
        }

        var result = HttpCallConfig.Default;

        if (!TryReadCluster(members, out var cluster, out error))
        {
            return false;
        }

        result = result with { Cluster = cluster };

        if (members.TryGetValue(MethodKey, out var method))
        {
            if (!TryString(method, "$." + MethodKey, out var text, out error))
            {
                return false;
            }

            if (!IsToken(text))
            {
                error = $"$.{MethodKey}: \"{text}\" is not an HTTP method; use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ...";
                return false;
            }

            // Methods are case-sensitive on the wire, but "post" in a config always means POST.
            result = result with { Method = text.ToUpperInvariant() };
        }

        if (members.TryGetValue(PathKey, out var path))
        {
            if (!TryString(path, "$." + PathKey, out var text, out error))
            {
                return false;
            }

            if (text.Any(c => c <= ' ' || c == 0x7F))
            {
                error = $"$.{PathKey}: must not contain spaces or control characters; percent-encode them (%20)";
                return false;
            }

            result = result with { Path = text };
        }

        if (members.TryGetValue(HeadersKey, out var headers))
        {
            if (!TryReadHeaders(headers, out var list, out error))
            {
                return false;
            }

            result = result with { Headers = list };
        }

        if (members.TryGetValue(BodyKey, out var body))
        {
            switch (body.ValueKind)
            {
                case JsonValueKind.String:
                    result = result with { Body = body.GetString()! };
                    break;
                case JsonValueKind.Object or JsonValueKind.Array:
                    // Convenience: a JSON body may be written as JSON rather than as an escaped string.
                    result = result with { Body = body.GetRawText() };
                    break;
                case JsonValueKind.Null:
                    result = result with { Body = "" };
                    break;
                default:
                    error = $"$.{BodyKey}: expected a string (or a JSON object to send as is), got {Describe(body)}";
                    return false;
            }
        }

        if (members.TryGetValue(TimeoutKey, out var timeout))
        {
            // uint32 in wasm-go; negative is kept so the run-time answer is Envoy's bad argument.
            if (!TryInteger(timeout, "$." + TimeoutKey, int.MinValue, uint.MaxValue, out var ms, out error))
            {
                return false;
            }

            result = result with { TimeoutMs = ms };
        }

        if (members.TryGetValue(ResponseHeaderKey, out var responseHeader))
        {
            if (!TryString(responseHeader, "$." + ResponseHeaderKey, out var text, out error))
            {
                return false;
            }

            if (!IsToken(text))
            {
                error = $"$.{ResponseHeaderKey}: \"{text}\" is not a valid header name; use letters, digits and '-', e.g. X-External-Response";
                return false;
            }

            result = result with { ResponseHeader = text };
        }

        if (members.TryGetValue(OnErrorKey, out var onError))
        {
            if (!TryString(onError, "$." + OnErrorKey, out var text, out error))
            {
                return false;
            }

            if (string.Equals(text, "continue", StringComparison.OrdinalIgnoreCase))
            {
                result = result with { OnError = HttpCallOnError.Continue };
            }
            else if (string.Equals(text, "deny", StringComparison.OrdinalIgnoreCase))
            {
                result = result with { OnError = HttpCallOnError.Deny };
            }
            else
            {
                error = $"$.{OnErrorKey}: expected \"continue\" or \"deny\", got \"{text}\"";
                return false;
            }
        }

        if (members.TryGetValue(MaxHeaderBytesKey, out var maxBytes))
        {
            if (!TryInteger(maxBytes, "$." + MaxHeaderBytesKey, 1, MaxHeaderBytesLimit, out var n, out error))
            {
                return false;
            }

            result = result with { MaxHeaderBytes = (int)n };
        }

        config = result;
        error = "";
        return true;
    }

    private static bool TryReadCluster(Dictionary<string, JsonElement> members, out HigressClusterSpec cluster, out string error)
    {
        cluster = HttpCallConfig.SeedCluster;
        var flat = FlatKeys.Where(members.ContainsKey).ToArray();
        if (members.TryGetValue(ClusterKey, out var element))
        {
            if (flat.Length > 0)
            {
                error = $"$.{flat[0]}: give the cluster either as \"cluster\": {{...}} or in the flat form (fqdn/service_name, port, host), not both";
                return false;
            }

            if (!HigressClusterSpecParser.TryParse(element, "$." + ClusterKey, out var spec, out var specError))
            {
                error = specError!;
                return false;
            }

            cluster = spec!;
            error = "";
            return true;
        }

        if (flat.Length == 0)
        {
            // No cluster at all: the seed's hard-coded StaticIpCluster, so its envoy.yaml runs unchanged.
            error = "";
            return true;
        }

        // Flat form: fqdn makes an FQDNCluster (wasm-go's example), service_name a StaticIpCluster.
        // Rebuilt as a cluster object so the shared parser checks every field with the same messages.
        var hasFqdn = members.ContainsKey(FlatFqdn);
        var hasService = members.ContainsKey(FlatServiceName);
        if (hasFqdn == hasService)
        {
            error = hasFqdn
                ? $"$.{FlatServiceName}: give fqdn (an FQDN cluster) or service_name (a static_ip cluster), not both"
                : $"$.{FlatFqdn}: missing; the flat form needs fqdn (or service_name) and port, e.g. {{\"fqdn\": \"httpbin.org\", \"port\": 80}}";
            return false;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", hasFqdn ? "fqdn" : "static_ip");
            foreach (var key in flat)
            {
                writer.WritePropertyName(key);
                members[key].WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        if (!HigressClusterSpecParser.TryParse(document.RootElement, "$", out var flatSpec, out var flatError))
        {
            error = flatError!;
            return false;
        }

        cluster = flatSpec!;
        error = "";
        return true;
    }

    private static bool TryReadHeaders(JsonElement headers, out IReadOnlyList<KeyValuePair<string, string>> list, out string error)
    {
        var result = new List<KeyValuePair<string, string>>();
        list = result;
        if (headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in headers.EnumerateObject())
            {
                var path = $"$.{HeadersKey}['{property.Name}']";
                if (!TryString(property.Value, path, out var value, out error) || !TryAddHeader(result, property.Name, value, path, out error))
                {
                    return false;
                }
            }
        }
        else if (headers.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var pair in headers.EnumerateArray())
            {
                var path = $"$.{HeadersKey}[{i++}]";
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 ||
                    pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                {
                    error = $"{path}: expected a [name, value] pair of strings, e.g. [\"Content-Type\", \"application/json\"]";
                    return false;
                }

                if (!TryAddHeader(result, pair[0].GetString()!, pair[1].GetString()!, path, out error))
                {
                    return false;
                }
            }
        }
        else
        {
            error = $"$.{HeadersKey}: expected an object {{\"name\": \"value\"}} or a list of [name, value] pairs, got {Describe(headers)}";
            return false;
        }

        error = "";
        return true;
    }

    private static bool TryAddHeader(List<KeyValuePair<string, string>> result, string name, string value, string path, out string error)
    {
        error = "";
        // wasm-go drops these three and sets them itself.
        if (name is ":method" or ":path" or ":authority")
        {
            return true;
        }

        if (name.StartsWith(':'))
        {
            error = $"{path}: pseudo-header \"{name}\" cannot be set; only :method, :path and :authority exist for a callout and they come from method, path and cluster";
            return false;
        }

        if (!IsToken(name))
        {
            error = $"{path}: \"{name}\" is not a valid header name";
            return false;
        }

        if (value.Any(c => (c < ' ' && c != '\t') || c == 0x7F))
        {
            error = $"{path}: the value of \"{name}\" contains a control character (CR, LF, ...); header values must be one line";
            return false;
        }

        result.Add(new KeyValuePair<string, string>(name, value));
        return true;
    }

    private static bool TryString(JsonElement element, string path, out string value, out string error)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString()!;
            error = "";
            return true;
        }

        value = "";
        error = $"{path}: expected a string, got {Describe(element)}";
        return false;
    }

    private static bool TryInteger(JsonElement element, string path, long min, long max, out long value, out string error)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value))
        {
            if (value < min || value > max)
            {
                error = $"{path}: {value.ToString(CultureInfo.InvariantCulture)} is out of range; expected {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
                return false;
            }

            error = "";
            return true;
        }

        value = 0;
        error = $"{path}: expected an integer, got {Describe(element)}";
        return false;
    }

    /// <summary>RFC 9110 token: the characters allowed in header names and methods.</summary>
    internal static bool IsToken(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
                || "!#$%&'*+-.^_`|~".Contains(c);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 5."; the position is already given.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
