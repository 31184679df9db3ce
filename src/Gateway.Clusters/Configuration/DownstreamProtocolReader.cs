using System.Net;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads the HCM fields that shape the downstream connection and the edge: http_protocol_options,
/// common_http_protocol_options, the HCM timeouts, xff_num_trusted_hops, internal_address_config and
/// preserve_external_request_id.
/// </summary>
internal static class DownstreamProtocolReader
{
    public static DownstreamProtocolConfig ReadProtocol(MessageReader hcm)
    {
        var config = new DownstreamProtocolConfig();
        if (hcm.Message("http_protocol_options", "envoy.config.core.v3.Http1ProtocolOptions") is { } http1)
        {
            config = config with
            {
                AcceptHttp10 = http1.Bool("accept_http_10"),
                DefaultHostForHttp10 = http1.String("default_host_for_http_10") is { Length: > 0 } host ? host : null,
                AllowChunkedLength = http1.Bool("allow_chunked_length"),
            };
            // Absolute-form targets are routed either way; trailers pass through as YARP copies them.
            http1.Bool("allow_absolute_url", true);
            http1.Bool("enable_trailers");
            http1.Finish();
        }

        if (hcm.Message("common_http_protocol_options", "envoy.config.core.v3.HttpProtocolOptions") is { } common)
        {
            var idle = common.Duration("idle_timeout");
            config = config with
            {
                // 0s disables the idle timeout.
                IdleTimeout = idle is { } i ? (i == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : i) : config.IdleTimeout,
                MaxConnectionDuration = common.Duration("max_connection_duration") is { } d && d > TimeSpan.Zero ? d : null,
                MaxHeadersCount = (int)(common.Integer("max_headers_count", 1, int.MaxValue) ?? 100),
                MaxStreamDuration = common.Duration("max_stream_duration") is { } msd && msd > TimeSpan.Zero ? msd : null,
            };
            config = config with
            {
                HeadersWithUnderscores = common.Enum("headers_with_underscores_action", HeadersWithUnderscoresAction.Allow,
                    "envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction"),
            };
            common.Finish();
        }

        var headersTimeout = hcm.Duration("request_headers_timeout");
        // stream_idle_timeout: absent = Envoy's 5 minutes, 0s disables it.
        var streamIdle = hcm.Has("stream_idle_timeout") ? hcm.Duration("stream_idle_timeout") : config.StreamIdleTimeout;
        if (hcm.Message("http2_protocol_options", "envoy.config.core.v3.Http2ProtocolOptions") is { } http2)
        {
            config = config with { Http2 = ReadHttp2(http2) };
        }

        // Read so they are not reported: draining and delayed close are the server's own business here.
        hcm.Duration("drain_timeout");
        hcm.Duration("delayed_close_timeout");
        return config with
        {
            RequestHeadersTimeout = headersTimeout is { } h && h > TimeSpan.Zero ? h : null,
            StreamIdleTimeout = streamIdle is { } s && s > TimeSpan.Zero ? s : null,
        };
    }

    /// <summary>
    /// http2_protocol_options of the HCM, onto Kestrel's HTTP/2 limits where Kestrel has a counterpart.
    /// Envoy's five flood limits have none in Kestrel: the gateway's own frame guards enforce them.
    /// </summary>
    private static DownstreamHttp2Config ReadHttp2(MessageReader http2)
    {
        var config = DownstreamHttp2Config.Default;
        config = config with
        {
            HpackTableSize = (int)(http2.Integer("hpack_table_size", 0, int.MaxValue) ?? config.HpackTableSize),
            MaxConcurrentStreams = (int)(http2.Integer("max_concurrent_streams", 1, int.MaxValue) ?? config.MaxConcurrentStreams),
            InitialStreamWindowSize = (int)(http2.Integer("initial_stream_window_size", 65535, int.MaxValue) ?? config.InitialStreamWindowSize),
            InitialConnectionWindowSize = (int)(http2.Integer("initial_connection_window_size", 65535, int.MaxValue) ?? config.InitialConnectionWindowSize),
            // Envoy's flood limits, enforced by the gateway's own frame guards (Codec.Http2FloodGuard, Codec.Http2OutboundGuard).
            MaxConsecutiveInboundFramesWithEmptyPayload = http2.Integer("max_consecutive_inbound_frames_with_empty_payload", 0, uint.MaxValue) ?? config.MaxConsecutiveInboundFramesWithEmptyPayload,
            MaxInboundPriorityFramesPerStream = http2.Integer("max_inbound_priority_frames_per_stream", 0, uint.MaxValue) ?? config.MaxInboundPriorityFramesPerStream,
            MaxOutboundFrames = http2.Integer("max_outbound_frames", 1, uint.MaxValue) ?? config.MaxOutboundFrames,
            MaxOutboundControlFrames = http2.Integer("max_outbound_control_frames", 1, uint.MaxValue) ?? config.MaxOutboundControlFrames,
            MaxInboundWindowUpdateFramesPerDataFrameSent = http2.Integer("max_inbound_window_update_frames_per_data_frame_sent", 1, uint.MaxValue) ?? config.MaxInboundWindowUpdateFramesPerDataFrameSent,
        };
        foreach (var field in new[] { "allow_connect", "allow_metadata" })
        {
            var mark = http2.MarkOf(field);
            if (http2.Bool(field))
            {
                http2.Context.Unsupported(http2.Join(field), mark,
                    $"'{field}: true' of envoy.config.core.v3.Http2ProtocolOptions is not supported (no {(field == "allow_connect" ? "extended CONNECT" : "METADATA frames")}); remove it");
            }
        }

        // Invalid messages: Kestrel resets the stream (RFC 9113's stream error) in either case.
        http2.Bool("stream_error_on_invalid_http_messaging");
        http2.Bool("override_stream_error_on_invalid_http_message");
        // Codec implementation and encoding choices, invisible to a client.
        http2.Bool("use_oghttp2_codec");
        http2.Bool("enable_huffman_encoding", true);
        http2.Integer("max_metadata_size", 0, long.MaxValue);
        if (http2.Has("custom_settings_parameters"))
        {
            http2.Unsupported("custom_settings_parameters", "Kestrel sends only the settings it implements; remove it");
        }

        if (http2.Message("connection_keepalive", "envoy.config.core.v3.KeepaliveSettings") is { } keepalive)
        {
            var interval = keepalive.Duration("interval");
            var timeout = keepalive.Duration("timeout");
            // Kestrel pings after a fixed silence: no jitter to apply.
            keepalive.Accept("interval_jitter");
            if (keepalive.Has("connection_idle_interval"))
            {
                keepalive.Unsupported("connection_idle_interval", "Kestrel pings only on the interval; use interval instead");
            }

            keepalive.Finish();
            config = config with
            {
                KeepaliveInterval = interval is { } i && i > TimeSpan.Zero ? i : null,
                KeepaliveTimeout = timeout is { } t && t > TimeSpan.Zero ? t : null,
            };
        }

        http2.Finish();
        return config;
    }

    public static EdgeAddressConfig ReadEdge(MessageReader hcm)
    {
        var hops = (int)(hcm.Integer("xff_num_trusted_hops", 0, 1024) ?? 0);
        var preserve = hcm.Bool("preserve_external_request_id");
        var cidrs = new List<(IPAddress, int)>();
        var unix = false;
        if (hcm.Message("internal_address_config", "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.InternalAddressConfig") is { } internalConfig)
        {
            unix = internalConfig.Bool("unix_sockets");
            foreach (var range in internalConfig.Messages("cidr_ranges", "envoy.config.core.v3.CidrRange"))
            {
                var prefix = range.RequiredString("address_prefix");
                var length = range.Integer("prefix_len", 0, 128);
                if (!IPAddress.TryParse(prefix, out var address))
                {
                    range.Context.Error(range.Join("address_prefix"), range.MarkOf("address_prefix"), $"malformed IP address: {prefix}; write an IPv4 or IPv6 address such as 10.0.0.0");
                }
                else
                {
                    var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
                    cidrs.Add((address, (int)Math.Min(length ?? max, max)));
                }

                range.Finish();
            }

            internalConfig.Finish();
        }

        return new EdgeAddressConfig { XffNumTrustedHops = hops, PreserveExternalRequestId = preserve, InternalCidrs = cidrs, UnixSocketsInternal = unix };
    }

    /// <summary>request_timeout: the whole request (headers and body) must arrive within it; 0s (Envoy's default) disables it.</summary>
    public static TimeSpan? ReadRequestTimeout(MessageReader hcm) =>
        hcm.Duration("request_timeout") is { } t && t > TimeSpan.Zero ? t : null;
}
