namespace Gateway.Filters.Wasm;

/// <summary>What proxy_on_http_call_response sees of a callout: Envoy's AsyncClient answer (a local reply for timeouts and connect failures, nothing for a reset).</summary>
internal sealed record WasmCallResult(List<KeyValuePair<string, string>> Headers, byte[] Body, List<KeyValuePair<string, string>> Trailers)
{
    public static WasmCallResult Local(int status, byte[] body) =>
        new([new(":status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("content-type", "text/plain")], body, []);

    public static WasmCallResult Reset => new([], [], []);
}
