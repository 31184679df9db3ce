namespace Gateway.Clusters.Model;

/// <summary>
/// The HCM's http2_protocol_options that Kestrel's HTTP/2 server can honour, with Envoy's defaults
/// (not Kestrel's: Envoy allows 2^31-1 concurrent streams and 256 MiB windows).
/// </summary>
public sealed record DownstreamHttp2Config
{
    public static readonly DownstreamHttp2Config Default = new();

    /// <summary>hpack_table_size (SETTINGS_HEADER_TABLE_SIZE), Envoy's default 4096.</summary>
    public int HpackTableSize { get; init; } = 4096;

    /// <summary>max_concurrent_streams (SETTINGS_MAX_CONCURRENT_STREAMS), Envoy's default 2147483647.</summary>
    public int MaxConcurrentStreams { get; init; } = int.MaxValue;

    /// <summary>initial_stream_window_size, Envoy's default 256 MiB.</summary>
    public int InitialStreamWindowSize { get; init; } = 268435456;

    /// <summary>initial_connection_window_size, Envoy's default 256 MiB.</summary>
    public int InitialConnectionWindowSize { get; init; } = 268435456;

    /// <summary>max_consecutive_inbound_frames_with_empty_payload (Envoy's default 1), enforced by the gateway's HTTP/2 flood guard.</summary>
    public long MaxConsecutiveInboundFramesWithEmptyPayload { get; init; } = 1;

    /// <summary>max_inbound_priority_frames_per_stream (Envoy's default 100), enforced by the gateway's HTTP/2 flood guard.</summary>
    public long MaxInboundPriorityFramesPerStream { get; init; } = 100;

    /// <summary>max_outbound_frames (Envoy's default 10000): frames queued and not yet sent, enforced by the gateway's HTTP/2 output guard.</summary>
    public long MaxOutboundFrames { get; init; } = 10000;

    /// <summary>max_outbound_control_frames (Envoy's default 1000): queued PING/SETTINGS acknowledgements and RST_STREAMs.</summary>
    public long MaxOutboundControlFrames { get; init; } = 1000;

    /// <summary>max_inbound_window_update_frames_per_data_frame_sent (Envoy's default 10), enforced by the gateway's HTTP/2 flood guard.</summary>
    public long MaxInboundWindowUpdateFramesPerDataFrameSent { get; init; } = 10;

    /// <summary>connection_keepalive.interval: PINGs are sent after this much silence; null = none (Envoy's default).</summary>
    public TimeSpan? KeepaliveInterval { get; init; }

    /// <summary>connection_keepalive.timeout: the connection is closed when nothing answers a PING for this long.</summary>
    public TimeSpan? KeepaliveTimeout { get; init; }

    public override string ToString() =>
        $"{HpackTableSize}/{MaxConcurrentStreams}/{InitialStreamWindowSize}/{InitialConnectionWindowSize}/{KeepaliveInterval}/{KeepaliveTimeout}/{MaxConsecutiveInboundFramesWithEmptyPayload}/{MaxInboundPriorityFramesPerStream}/{MaxOutboundFrames}/{MaxOutboundControlFrames}/{MaxInboundWindowUpdateFramesPerDataFrameSent}";
}
