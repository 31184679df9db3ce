namespace Gateway.Proxy;

/// <summary>Which timer a request deadline stands for: they answer differently when they fire.</summary>
internal enum DeadlineKind
{
    None,

    /// <summary>The route timeout (or x-envoy-upstream-rq-timeout-ms), armed when the request is complete: 504 response_timeout.</summary>
    Route,

    /// <summary>max_stream_duration (route, grpc-timeout or HCM), counted from the stream's start: 504/408 max_duration_timeout.</summary>
    StreamDuration,
}
