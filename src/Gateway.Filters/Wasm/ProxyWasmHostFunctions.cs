using System.Text;
using Wasmtime;

namespace Gateway.Filters.Wasm;

/// <summary>
/// The proxy-wasm host functions (ABI 0.2.1, plus the 0.2.0 spellings and the older names Envoy still
/// answers), defined once on the engine's linker. Each finds its instance through the store's data and
/// acts on the instance's effective context. They never throw into plugin code: a bad pointer is
/// InvalidMemoryAccess, a missing thing NotFound, an unsupported feature Unimplemented.
/// </summary>
internal static class ProxyWasmHostFunctions
{
    private const string Env = "env";

    public static HashSet<string> Define(Linker linker)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Def(string name, Delegate _) => names.Add(Env + "::" + name);

        linker.DefineFunction(Env, "proxy_log", (Caller c, int level, int ptr, int size) => Guard(c, i =>
            !i.Plugin.IsLogEnabled(level) ? ProxyWasmAbi.Ok
            : i.TryReadString(ptr, size, out var text) ? i.Plugin.WriteLog(level, text) : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_log", null!);
        linker.DefineFunction(Env, "proxy_get_log_level", (Caller c, int ret) => Guard(c, i =>
            i.TryWriteU32(ret, (uint)i.Plugin.LogLevel) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_get_log_level", null!);
        linker.DefineFunction(Env, "proxy_get_current_time_nanoseconds", (Caller c, int ret) => Guard(c, i =>
            i.TryWriteU64(ret, (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100UL) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_get_current_time_nanoseconds", null!);
        linker.DefineFunction(Env, "proxy_set_tick_period_milliseconds", (Caller c, int period) => Guard(c, i =>
        {
            i.SetTickPeriod(period);
            return ProxyWasmAbi.Ok;
        }));
        Def("proxy_set_tick_period_milliseconds", null!);
        linker.DefineFunction(Env, "proxy_set_effective_context", (Caller c, int id) => Guard(c, i =>
        {
            if (!i.TryGetContext(id, out var context))
            {
                return ProxyWasmAbi.BadArgument;
            }

            i.Current = context;
            return ProxyWasmAbi.Ok;
        }));
        Def("proxy_set_effective_context", null!);
        linker.DefineFunction(Env, "proxy_done", (Caller c) => Guard(c, _ => ProxyWasmAbi.Ok));
        Def("proxy_done", null!);
        linker.DefineFunction(Env, "proxy_call_foreign_function", (Caller c, int namePtr, int nameSize, int argPtr, int argSize, int retPtr, int retSize) =>
            Guard(c, i => i.TryReadString(namePtr, nameSize, out _) ? ProxyWasmAbi.NotFound : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_call_foreign_function", null!);

        // Buffers.
        linker.DefineFunction(Env, "proxy_get_buffer_bytes", (Caller c, int type, int start, int max, int retPtr, int retSize) => Guard(c, i =>
        {
            var status = WasmBuffers.Get(i, type, out var data);
            if (status != ProxyWasmAbi.Ok)
            {
                return status;
            }

            if (start < 0 || max < 0 || start > data.Length)
            {
                return ProxyWasmAbi.BadArgument;
            }

            var length = Math.Min(max, data.Length - start);
            return i.CopyOut(data.Span.Slice(start, length), retPtr, retSize);
        }));
        Def("proxy_get_buffer_bytes", null!);
        linker.DefineFunction(Env, "proxy_get_buffer_status", (Caller c, int type, int lengthPtr, int flagsPtr) => Guard(c, i =>
        {
            var status = WasmBuffers.Get(i, type, out var data);
            return status != ProxyWasmAbi.Ok ? status
                : i.TryWriteU32(lengthPtr, (uint)data.Length) && i.TryWriteU32(flagsPtr, 0) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_get_buffer_status", null!);
        linker.DefineFunction(Env, "proxy_set_buffer_bytes", (Caller c, int type, int start, int length, int ptr, int size) => Guard(c, i =>
            i.TryRead(ptr, size, out var bytes) ? WasmBuffers.Set(i, type, start, length, bytes) : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_set_buffer_bytes", null!);

        // Header maps.
        linker.DefineFunction(Env, "proxy_get_header_map_pairs", (Caller c, int type, int retPtr, int retSize) => Guard(c, i =>
        {
            var status = WasmHeaderMaps.Pairs(i.Current, type, out var pairs);
            return status != ProxyWasmAbi.Ok ? status : i.CopyOut(WasmHeaderPairs.Serialize(pairs), retPtr, retSize);
        }));
        Def("proxy_get_header_map_pairs", null!);
        linker.DefineFunction(Env, "proxy_set_header_map_pairs", (Caller c, int type, int ptr, int size) => Guard(c, i =>
        {
            if (!i.TryRead(ptr, size, out var bytes))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            return WasmHeaderPairs.TryParse(bytes, out var pairs) ? WasmHeaderMaps.SetPairs(i.Current, type, pairs) : ProxyWasmAbi.BadArgument;
        }));
        Def("proxy_set_header_map_pairs", null!);
        linker.DefineFunction(Env, "proxy_get_header_map_value", (Caller c, int type, int keyPtr, int keySize, int retPtr, int retSize) => Guard(c, i =>
        {
            if (!i.TryReadString(keyPtr, keySize, out var key))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            var status = WasmHeaderMaps.Get(i.Current, type, key, out var value);
            return status != ProxyWasmAbi.Ok ? status : value is null ? ProxyWasmAbi.NotFound : i.CopyOut(value, retPtr, retSize);
        }));
        Def("proxy_get_header_map_value", null!);
        linker.DefineFunction(Env, "proxy_get_header_map_size", (Caller c, int type, int retSize) => Guard(c, i =>
        {
            var status = WasmHeaderMaps.Pairs(i.Current, type, out var pairs);
            return status != ProxyWasmAbi.Ok ? status
                : i.TryWriteU32(retSize, (uint)WasmHeaderPairs.Serialize(pairs).Length) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_get_header_map_size", null!);
        foreach (var (name, replace) in (ReadOnlySpan<(string, bool)>)[("proxy_add_header_map_value", false), ("proxy_replace_header_map_value", true)])
        {
            var isReplace = replace;
            linker.DefineFunction(Env, name, (Caller c, int type, int keyPtr, int keySize, int valuePtr, int valueSize) => Guard(c, i =>
                i.TryReadString(keyPtr, keySize, out var key) && i.TryReadString(valuePtr, valueSize, out var value)
                    ? WasmHeaderMaps.Set(i.Current, type, key, value, isReplace)
                    : ProxyWasmAbi.InvalidMemoryAccess));
            Def(name, null!);
        }

        linker.DefineFunction(Env, "proxy_remove_header_map_value", (Caller c, int type, int keyPtr, int keySize) => Guard(c, i =>
            i.TryReadString(keyPtr, keySize, out var key) ? WasmHeaderMaps.Set(i.Current, type, key, null, replace: true) : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_remove_header_map_value", null!);

        // Properties.
        linker.DefineFunction(Env, "proxy_get_property", (Caller c, int pathPtr, int pathSize, int retPtr, int retSize) => Guard(c, i =>
        {
            if (!i.TryRead(pathPtr, pathSize, out var path))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            var value = WasmProperties.Get(i, WasmProperties.Segments(path));
            return value is null ? ProxyWasmAbi.NotFound : i.CopyOut(value, retPtr, retSize);
        }));
        Def("proxy_get_property", null!);
        linker.DefineFunction(Env, "proxy_set_property", (Caller c, int pathPtr, int pathSize, int valuePtr, int valueSize) => Guard(c, i =>
        {
            if (!i.TryRead(pathPtr, pathSize, out var path) || !i.TryRead(valuePtr, valueSize, out var value))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            return WasmProperties.Set(i, WasmProperties.Segments(path), value.ToArray());
        }));
        Def("proxy_set_property", null!);

        // Stream control.
        linker.DefineFunction(Env, "proxy_send_local_response", (Caller c, int status, int detailsPtr, int detailsSize, int bodyPtr, int bodySize, int headersPtr, int headersSize, int grpcStatus) => Guard(c, i =>
        {
            if (i.Current.Stream is not { } stream)
            {
                return ProxyWasmAbi.BadArgument;
            }

            if (!i.TryReadString(detailsPtr, detailsSize, out var details) || !i.TryRead(bodyPtr, bodySize, out var body) || !i.TryRead(headersPtr, headersSize, out var headers))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            if (!WasmHeaderPairs.TryParse(headers, out var pairs))
            {
                return ProxyWasmAbi.BadArgument;
            }

            stream.RequestLocalReply(status, details, body.ToArray(), pairs);
            return ProxyWasmAbi.Ok;
        }));
        Def("proxy_send_local_response", null!);
        linker.DefineFunction(Env, "proxy_continue_stream", (Caller c, int streamType) => Guard(c, i =>
            i.Current.Stream is { } stream ? stream.Resume(streamType) : ProxyWasmAbi.NotFound));
        Def("proxy_continue_stream", null!);
        linker.DefineFunction(Env, "proxy_close_stream", (Caller c, int streamType) => Guard(c, i =>
            i.Current.Stream is { } stream ? stream.Close() : ProxyWasmAbi.NotFound));
        Def("proxy_close_stream", null!);
        linker.DefineFunction(Env, "proxy_continue_request", (Caller c) => Guard(c, i =>
            i.Current.Stream is { } stream ? stream.Resume(ProxyWasmAbi.StreamRequest) : ProxyWasmAbi.NotFound));
        Def("proxy_continue_request", null!);
        linker.DefineFunction(Env, "proxy_continue_response", (Caller c) => Guard(c, i =>
            i.Current.Stream is { } stream ? stream.Resume(ProxyWasmAbi.StreamResponse) : ProxyWasmAbi.NotFound));
        Def("proxy_continue_response", null!);
        linker.DefineFunction(Env, "proxy_clear_route_cache", (Caller c) => Guard(c, i =>
        {
            if (i.Current.Stream is not { } stream)
            {
                return ProxyWasmAbi.NotFound;
            }

            stream.RequestHeadersChanged = true;
            return ProxyWasmAbi.Ok;
        }));
        Def("proxy_clear_route_cache", null!);

        // HTTP callouts.
        linker.DefineFunction(Env, "proxy_http_call", (Caller c, int upPtr, int upSize, int hPtr, int hSize, int bPtr, int bSize, int tPtr, int tSize, int timeout, int retToken) => Guard(c, i =>
        {
            if (!i.TryReadString(upPtr, upSize, out var cluster) || !i.TryRead(hPtr, hSize, out var headers) ||
                !i.TryRead(bPtr, bSize, out var body) || !i.TryRead(tPtr, tSize, out var trailers))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            if (!WasmHeaderPairs.TryParse(headers, out var headerPairs) || !WasmHeaderPairs.TryParse(trailers, out _))
            {
                return ProxyWasmAbi.BadArgument;
            }

            var status = WasmHttpCalls.Dispatch(i, i.Current, cluster, headerPairs, body.ToArray(), timeout, out var token);
            return status != ProxyWasmAbi.Ok ? status : i.TryWriteU32(retToken, (uint)token) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_http_call", null!);

        // Shared data and queues (one store per VM id, across every instance).
        linker.DefineFunction(Env, "proxy_get_shared_data", (Caller c, int keyPtr, int keySize, int retPtr, int retSize, int retCas) => Guard(c, i =>
        {
            if (!i.TryReadString(keyPtr, keySize, out var key))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            if (!i.Plugin.Shared.TryGetData(key, out var value, out var cas))
            {
                return ProxyWasmAbi.NotFound;
            }

            var status = i.CopyOut(value, retPtr, retSize);
            return status != ProxyWasmAbi.Ok ? status : i.TryWriteU32(retCas, cas) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_get_shared_data", null!);
        linker.DefineFunction(Env, "proxy_set_shared_data", (Caller c, int keyPtr, int keySize, int valuePtr, int valueSize, int cas) => Guard(c, i =>
            i.TryReadString(keyPtr, keySize, out var key) && i.TryRead(valuePtr, valueSize, out var value)
                ? i.Plugin.Shared.SetData(key, value.ToArray(), (uint)cas)
                : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_set_shared_data", null!);
        linker.DefineFunction(Env, "proxy_register_shared_queue", (Caller c, int namePtr, int nameSize, int retId) => Guard(c, i =>
            i.TryReadString(namePtr, nameSize, out var name) && i.TryWriteU32(retId, i.Plugin.Shared.RegisterQueue(name, i))
                ? ProxyWasmAbi.Ok
                : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_register_shared_queue", null!);
        linker.DefineFunction(Env, "proxy_resolve_shared_queue", (Caller c, int vmPtr, int vmSize, int namePtr, int nameSize, int retId) => Guard(c, i =>
        {
            if (!i.TryReadString(vmPtr, vmSize, out var vmId) || !i.TryReadString(namePtr, nameSize, out var name))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            var id = WasmSharedState.ResolveQueue(vmId.Length == 0 ? i.Plugin.Shared.VmId : vmId, name);
            return id == 0 ? ProxyWasmAbi.NotFound : i.TryWriteU32(retId, id) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_resolve_shared_queue", null!);
        linker.DefineFunction(Env, "proxy_enqueue_shared_queue", (Caller c, int id, int valuePtr, int valueSize) => Guard(c, i =>
            i.TryRead(valuePtr, valueSize, out var value) ? WasmSharedState.Enqueue((uint)id, value.ToArray()) : ProxyWasmAbi.InvalidMemoryAccess));
        Def("proxy_enqueue_shared_queue", null!);
        linker.DefineFunction(Env, "proxy_dequeue_shared_queue", (Caller c, int id, int retPtr, int retSize) => Guard(c, i =>
        {
            var status = WasmSharedState.Dequeue((uint)id, out var value);
            return status != ProxyWasmAbi.Ok ? status : i.CopyOut(value, retPtr, retSize);
        }));
        Def("proxy_dequeue_shared_queue", null!);

        // Metrics.
        linker.DefineFunction(Env, "proxy_define_metric", (Caller c, int type, int namePtr, int nameSize, int retId) => Guard(c, i =>
        {
            if (!i.TryReadString(namePtr, nameSize, out var name))
            {
                return ProxyWasmAbi.InvalidMemoryAccess;
            }

            if (type is < ProxyWasmAbi.MetricCounter or > ProxyWasmAbi.MetricHistogram)
            {
                return ProxyWasmAbi.BadArgument;
            }

            return i.TryWriteU32(retId, i.Plugin.Metrics.Define(type, name)) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_define_metric", null!);
        linker.DefineFunction(Env, "proxy_increment_metric", (Caller c, int id, long offset) => Guard(c, i => i.Plugin.Metrics.Increment((uint)id, offset)));
        Def("proxy_increment_metric", null!);
        linker.DefineFunction(Env, "proxy_record_metric", (Caller c, int id, long value) => Guard(c, i => i.Plugin.Metrics.Record((uint)id, value)));
        Def("proxy_record_metric", null!);
        linker.DefineFunction(Env, "proxy_get_metric", (Caller c, int id, int ret) => Guard(c, i =>
        {
            var status = i.Plugin.Metrics.Get((uint)id, out var value);
            return status != ProxyWasmAbi.Ok ? status : i.TryWriteU64(ret, (ulong)value) ? ProxyWasmAbi.Ok : ProxyWasmAbi.InvalidMemoryAccess;
        }));
        Def("proxy_get_metric", null!);

        // The 0.1.0 way to read the plugin configuration, which some SDKs still call.
        linker.DefineFunction(Env, "proxy_get_configuration", (Caller c, int retPtr, int retSize) => Guard(c, i =>
            i.CopyOut(i.Plugin.Settings.Configuration, retPtr, retSize)));
        Def("proxy_get_configuration", null!);

        // gRPC is not offered: plugins get Unimplemented, as the ABI allows.
        linker.DefineFunction(Env, "proxy_grpc_call", (Caller c, int a, int b, int d, int e, int f, int g, int h, int k, int l, int m, int n, int o) => ProxyWasmAbi.Unimplemented);
        Def("proxy_grpc_call", null!);
        linker.DefineFunction(Env, "proxy_grpc_stream", (Caller c, int a, int b, int d, int e, int f, int g, int h, int k, int l) => ProxyWasmAbi.Unimplemented);
        Def("proxy_grpc_stream", null!);
        linker.DefineFunction(Env, "proxy_grpc_send", (Caller c, int a, int b, int d, int e) => ProxyWasmAbi.Unimplemented);
        Def("proxy_grpc_send", null!);
        linker.DefineFunction(Env, "proxy_grpc_cancel", (Caller c, int a) => ProxyWasmAbi.Unimplemented);
        Def("proxy_grpc_cancel", null!);
        linker.DefineFunction(Env, "proxy_grpc_close", (Caller c, int a) => ProxyWasmAbi.Unimplemented);
        Def("proxy_grpc_close", null!);
        linker.DefineFunction(Env, "proxy_get_status", (Caller c, int a, int b, int d) => ProxyWasmAbi.Unimplemented);
        Def("proxy_get_status", null!);
        return names;
    }

    /// <summary>Runs a host function body; a host bug becomes InternalFailure for the plugin rather than a trap.</summary>
    private static int Guard(Caller caller, Func<WasmInstance, int> body)
    {
        if (caller.GetData() is not WasmInstance instance)
        {
            return ProxyWasmAbi.InternalFailure;
        }

        try
        {
            return body(instance);
        }
        catch (Exception e) when (e is not (WasmtimeException or TrapException))
        {
            instance.Plugin.HostFailure(e);
            return ProxyWasmAbi.InternalFailure;
        }
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
