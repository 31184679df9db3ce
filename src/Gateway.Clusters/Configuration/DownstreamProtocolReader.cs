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
            var underscores = common.String("headers_with_underscores_action");
            if (underscores is not null && !underscores.Equals("ALLOW", StringComparison.OrdinalIgnoreCase))
            {
                common.Unsupported("headers_with_underscores_action", "only ALLOW (the default) is implemented");
            }

            common.Finish();
        }

        var headersTimeout = hcm.Duration("request_headers_timeout");
        // stream_idle_timeout is not enforced (Kestrel has no per-stream idle timer): 0s (off) is what
        // this gateway does, any other value is refused by name rather than ignored.
        TimeSpan? streamIdle = null;
        if (hcm.Has("stream_idle_timeout"))
        {
            if (hcm.Duration("stream_idle_timeout") is { } idle && idle > TimeSpan.Zero)
            {
                hcm.Context.Unsupported(hcm.Join("stream_idle_timeout"), hcm.MarkOf("stream_idle_timeout"),
                    "'stream_idle_timeout' of the HCM is not enforced by this gateway; set it to 0s (disabled) or remove it");
            }

            streamIdle = TimeSpan.Zero;
        }
        // Read so they are not reported: draining and delayed close are the server's own business here.
        hcm.Duration("drain_timeout");
        hcm.Duration("delayed_close_timeout");
        return config with
        {
            RequestHeadersTimeout = headersTimeout is { } h && h > TimeSpan.Zero ? h : null,
            StreamIdleTimeout = streamIdle is null ? config.StreamIdleTimeout : null,
        };
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

    /// <summary>request_timeout: 0s (Envoy's default, disabled) is accepted; a whole-request timeout is not enforced, so any other value is refused by name.</summary>
    public static TimeSpan? ReadRequestTimeout(MessageReader hcm)
    {
        var mark = hcm.MarkOf("request_timeout");
        if (hcm.Duration("request_timeout") is { } t && t > TimeSpan.Zero)
        {
            hcm.Context.Unsupported(hcm.Join("request_timeout"), mark,
                "'request_timeout' of the HCM is not enforced by this gateway (the whole-request timeout); set it to 0s or remove it");
        }

        return null;
    }
}
