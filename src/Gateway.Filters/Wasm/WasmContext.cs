namespace Gateway.Filters.Wasm;

/// <summary>
/// A proxy-wasm context of one instance: the root context of the plugin, or the stream context of one
/// request (then <see cref="Stream"/> is set). Host calls act on the effective context.
/// </summary>
internal sealed class WasmContext(int id, WasmStreamFilter? stream)
{
    public int Id { get; } = id;

    public WasmStreamFilter? Stream { get; } = stream;

    public bool IsRoot => Stream is null;

    /// <summary>The http call response being delivered to proxy_on_http_call_response, else null.</summary>
    public WasmCallResult? CallResponse { get; set; }
}
