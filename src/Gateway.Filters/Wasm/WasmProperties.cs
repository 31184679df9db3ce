using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Wasm;

/// <summary>
/// proxy_get_property over Envoy's attribute paths: strings as UTF-8, integers as 8-byte little-endian,
/// booleans as one byte, header maps serialized as pairs. Envoy moved <c>cluster_name</c>,
/// <c>route_name</c> and <c>node</c> under <c>xds.</c>; Higress's Go wrapper still asks for the old
/// top-level names, so both are answered. Values a plugin sets (proxy_set_property) are read back.
/// </summary>
internal static class WasmProperties
{
    public static string[] Segments(ReadOnlySpan<byte> path)
    {
        var text = Encoding.UTF8.GetString(path).TrimEnd('\0');
        return text.Split('\0');
    }

    public static byte[]? Get(WasmInstance instance, string[] path)
    {
        var plugin = instance.Plugin.Settings;
        var stream = instance.Current.Stream;
        var key = string.Join('.', path);
        if (stream?.Properties is { } set && set.TryGetValue(key, out var stored))
        {
            return stored;
        }

        switch (key)
        {
            case "plugin_name": return Str(plugin.PluginName);
            case "plugin_root_id": return Str(plugin.RootId);
            case "plugin_vm_id": return Str(plugin.VmId);
        }

        var ctx = stream?.FilterContext;
        if (ctx is null)
        {
            // The root context has no request: only the plugin's own properties above.
            return null;
        }

        var http = ctx.HttpContext;
        var request = http.Request;
        var connection = http.Connection;
        return key switch
        {
            "request.path" => Str(request.Path.Value + request.QueryString.Value),
            "request.url_path" => Str(request.Path.Value ?? "/"),
            "request.host" => Str(request.Host.Value ?? ""),
            "request.scheme" => Str(request.Scheme),
            "request.method" => Str(request.Method),
            "request.headers" => Headers(instance, ProxyWasmAbi.MapRequestHeaders),
            "request.referer" => Header(request.Headers, "referer"),
            "request.useragent" => Header(request.Headers, "user-agent"),
            "request.id" or "x_request_id" => Str(ctx.RequestId ?? request.Headers["x-request-id"].ToString()) is { Length: > 0 } id ? id : null,
            "request.protocol" => Str(request.Protocol),
            "request.query" => Str(request.QueryString.HasValue ? request.QueryString.Value![1..] : ""),
            "request.size" => request.ContentLength is { } length ? Int(length) : null,
            "request.time" => Int((stream!.StartedAt - DateTimeOffset.UnixEpoch).Ticks * 100),
            "response.code" => http.Response.HasStarted || stream!.InResponse ? Int(http.Response.StatusCode) : null,
            "response.code_details" => ctx.ResponseCodeDetails is { } details ? Str(details) : null,
            "response.flags" => Int(0),
            "response.headers" => stream!.InResponse ? Headers(instance, ProxyWasmAbi.MapResponseHeaders) : null,
            "source.address" => connection.RemoteIpAddress is { } remote ? Str(Endpoint(remote, connection.RemotePort)) : null,
            "source.port" => Int(connection.RemotePort),
            "destination.address" => connection.LocalIpAddress is { } local ? Str(Endpoint(local, connection.LocalPort)) : null,
            "destination.port" => Int(connection.LocalPort),
            "connection.mtls" => [0],
            "connection.id" => Long(connection.Id),
            "xds.cluster_name" or "cluster_name" => ctx.RouteClusterName is { } cluster ? Str(cluster) : null,
            "xds.route_name" or "route_name" => ctx.RouteEntry?.Name is { } route ? Str(route) : null,
            "xds.virtual_host_name" or "virtual_host_name" => ctx.VirtualHost?.Name is { } vhost ? Str(vhost) : null,
            "xds.listener_direction" or "listener_direction" => Int(0),
            _ => FilterState(ctx, key),
        };
    }

    public static int Set(WasmInstance instance, string[] path, byte[] value)
    {
        if (instance.Current.Stream is not { } stream)
        {
            return ProxyWasmAbi.NotFound;
        }

        var key = string.Join('.', path);
        (stream.Properties ??= new Dictionary<string, byte[]>(StringComparer.Ordinal))[key] = value;
        // Envoy keeps them in filter state under "wasm.<path>", where other filters and the access log see them.
        stream.FilterContext.FilterState["wasm." + key] = Encoding.UTF8.GetString(value);
        return ProxyWasmAbi.Ok;
    }

    private static byte[]? FilterState(HttpFilterContext ctx, string key) =>
        ctx.FilterStateOrNull is { } state && state.TryGetValue(key, out var value) && value is not null ? Str(value.ToString() ?? "") : null;

    private static byte[] Headers(WasmInstance instance, int type) =>
        WasmHeaderMaps.Pairs(instance.Current, type, out var pairs) == ProxyWasmAbi.Ok ? WasmHeaderPairs.Serialize(pairs) : [];

    private static byte[]? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.Count != 0 ? Str(value.ToString()) : null;

    private static string Endpoint(System.Net.IPAddress address, int port) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) is var a && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + a + "]:" + port.ToString(CultureInfo.InvariantCulture)
            : a + ":" + port.ToString(CultureInfo.InvariantCulture);

    private static byte[] Str(string value) => Encoding.UTF8.GetBytes(value);

    private static byte[] Int(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Long(string connectionId) =>
        long.TryParse(connectionId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? Int(id) : Str(connectionId);
}
