namespace Gateway.Filters.Wasm;

/// <summary>The buffers proxy_get_buffer_bytes / proxy_set_buffer_bytes reach: bodies, a callout's response body, the VM and plugin configuration.</summary>
internal static class WasmBuffers
{
    public static int Get(WasmInstance instance, int type, out ReadOnlyMemory<byte> data)
    {
        data = default;
        var context = instance.Current;
        switch (type)
        {
            case ProxyWasmAbi.BufferPluginConfiguration:
                data = instance.Plugin.Settings.Configuration;
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.BufferVmConfiguration:
                data = instance.Plugin.Settings.VmConfiguration;
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.BufferHttpCallResponseBody:
                if (context.CallResponse is not { } call)
                {
                    return ProxyWasmAbi.NotFound;
                }

                data = call.Body;
                return ProxyWasmAbi.Ok;
            case ProxyWasmAbi.BufferRequestBody:
            case ProxyWasmAbi.BufferResponseBody:
                var body = type == ProxyWasmAbi.BufferRequestBody ? context.Stream?.RequestBody : context.Stream?.ResponseBody;
                if (body is null)
                {
                    return ProxyWasmAbi.NotFound;
                }

                data = body.Memory;
                return ProxyWasmAbi.Ok;
            default:
                return type is ProxyWasmAbi.BufferDownstreamData or ProxyWasmAbi.BufferUpstreamData or ProxyWasmAbi.BufferGrpcReceive or ProxyWasmAbi.BufferCallData
                    ? ProxyWasmAbi.NotFound
                    : ProxyWasmAbi.BadArgument;
        }
    }

    /// <summary>Envoy's rules: start 0 and length 0 prepends, start 0 and length at least the size replaces, start at the end appends.</summary>
    public static int Set(WasmInstance instance, int type, int start, int length, ReadOnlySpan<byte> data)
    {
        var stream = instance.Current.Stream;
        var body = type switch
        {
            ProxyWasmAbi.BufferRequestBody => stream?.RequestBody,
            ProxyWasmAbi.BufferResponseBody => stream?.ResponseBody,
            _ => null,
        };
        if (body is null)
        {
            return type is ProxyWasmAbi.BufferRequestBody or ProxyWasmAbi.BufferResponseBody ? ProxyWasmAbi.NotFound : ProxyWasmAbi.BadArgument;
        }

        if (start < 0 || length < 0)
        {
            return ProxyWasmAbi.BadArgument;
        }

        if (start == 0 && length == 0)
        {
            var old = body.ToArray();
            body.Replace(data);
            body.Append(old);
        }
        else if (start == 0 && length >= body.Length)
        {
            body.Replace(data);
        }
        else if (start >= body.Length)
        {
            body.Append(data);
        }
        else
        {
            var current = body.ToArray();
            var end = Math.Min(current.Length, start + length);
            var next = new byte[start + data.Length + (current.Length - end)];
            current.AsSpan(0, start).CopyTo(next);
            data.CopyTo(next.AsSpan(start));
            current.AsSpan(end).CopyTo(next.AsSpan(start + data.Length));
            body.Replace(next);
        }

        return ProxyWasmAbi.Ok;
    }
}
