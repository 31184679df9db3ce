namespace Gateway.Filters.Wasm;

/// <summary>
/// The numbers of the proxy-wasm ABI (0.2.0 / 0.2.1, as in the proxy-wasm spec): status codes host
/// functions return, header map and buffer kinds, log levels, stream kinds, metric kinds and the
/// actions callbacks return.
/// </summary>
internal static class ProxyWasmAbi
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int BadArgument = 2;
    public const int SerializationFailure = 3;
    public const int ParseFailure = 4;
    public const int InvalidMemoryAccess = 6;
    public const int Empty = 7;
    public const int CasMismatch = 8;
    public const int InternalFailure = 10;
    public const int Unimplemented = 12;

    public const int MapRequestHeaders = 0;
    public const int MapRequestTrailers = 1;
    public const int MapResponseHeaders = 2;
    public const int MapResponseTrailers = 3;
    public const int MapGrpcInitialMetadata = 4;
    public const int MapGrpcTrailingMetadata = 5;
    public const int MapHttpCallResponseHeaders = 6;
    public const int MapHttpCallResponseTrailers = 7;

    public const int BufferRequestBody = 0;
    public const int BufferResponseBody = 1;
    public const int BufferDownstreamData = 2;
    public const int BufferUpstreamData = 3;
    public const int BufferHttpCallResponseBody = 4;
    public const int BufferGrpcReceive = 5;
    public const int BufferVmConfiguration = 6;
    public const int BufferPluginConfiguration = 7;
    public const int BufferCallData = 8;

    public const int StreamRequest = 0;
    public const int StreamResponse = 1;

    public const int MetricCounter = 0;
    public const int MetricGauge = 1;
    public const int MetricHistogram = 2;

    // FilterHeadersStatus / FilterDataStatus / FilterTrailersStatus as Envoy's C++ host numbers them.
    public const int ActionContinue = 0;
    public const int ActionPause = 1;
    public const int HeadersContinueAndEndStream = 2;
    public const int HeadersStopAllIterationAndBuffer = 3;
    public const int HeadersStopAllIterationAndWatermark = 4;

    /// <summary>WASI errno ENOSYS, what WASI functions this host does not provide return.</summary>
    public const int WasiNoSys = 52;

    /// <summary>WASI errno EBADF: there are no files (no preopens, no filesystem).</summary>
    public const int WasiBadFd = 8;

    public const int WasiInvalid = 28;

    /// <summary>The ABI marker exports a module may carry; Higress's 0.2.100 is 0.2.1 plus Higress's extra host calls.</summary>
    public static readonly string[] AbiVersionExports =
    [
        "proxy_abi_version_0_2_100",
        "proxy_abi_version_0_2_1",
        "proxy_abi_version_0_2_0",
    ];
}
