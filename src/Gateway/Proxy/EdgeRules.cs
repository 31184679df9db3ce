using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>
/// Envoy's ConnectionManagerUtility::mutateRequestHeaders for one listener, compiled at config load:
/// who the client is (the peer with use_remote_address, else x-forwarded-for minus
/// xff_num_trusted_hops), whether the request is internal (internal_address_config; nothing is by
/// default), the x-forwarded-for entry the gateway appends (its own address for a loopback peer, as
/// Envoy), x-forwarded-proto, x-envoy-external-address and x-envoy-internal, the client's x-envoy-*
/// control headers dropped from external requests, and the request id (new at the edge unless
/// preserve_external_request_id).
/// </summary>
internal sealed class EdgeRules
{
    // Envoy removes these from every request that is not internal.
    private static readonly string[] ExternalControlHeaders =
    [
        "x-envoy-retry-on", "x-envoy-retry-grpc-on", "x-envoy-max-retries", "x-envoy-upstream-alt-stat-name",
        "x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms", "x-envoy-upstream-rq-timeout-alt-response",
        "x-envoy-expected-rq-timeout-ms", "x-envoy-force-trace", "x-envoy-ip-tags", "x-envoy-retriable-status-codes",
        "x-envoy-retriable-header-names", "x-envoy-hedge-on-per-try-timeout", "x-envoy-original-url",
    ];

    // And these from edge requests (external, use_remote_address).
    private static readonly string[] EdgeOnlyHeaders =
    [
        "x-envoy-decorator-operation", "x-envoy-downstream-service-cluster", "x-envoy-downstream-service-node",
    ];

    private static readonly Lazy<string> LocalAddress = new(FindLocalAddress);

    private readonly HttpConnectionManagerConfig _http;
    private readonly EdgeAddressConfig _edge;
    private readonly bool _hasInternal;

    private readonly string _localCluster;
    private readonly string _localNode;

    public EdgeRules(HttpConnectionManagerConfig http, string localCluster = "", string localNode = "")
    {
        _http = http;
        _localCluster = localCluster;
        _localNode = localNode;
        _edge = http.Edge;
        _hasInternal = _edge.InternalCidrs.Count > 0;
    }

    /// <summary>Applies the rules; <paramref name="hasEnvoyHeaders"/> says whether any x-envoy-* header came in (from the header scan).</summary>
    public void Apply(HttpContext context, RequestState state, bool hasEnvoyHeaders)
    {
        var request = context.Request;
        var headers = request.Headers;
        IPAddress? finalRemote;
        bool singleAddress;
        if (_http.UseRemoteAddress)
        {
            var xff = headers[HeaderNames.XForwardedFor];
            singleAddress = xff.Count == 0;
            finalRemote = _edge.XffNumTrustedHops > 0 ? AddressFromXff(xff, _edge.XffNumTrustedHops - 1, out _) : null;
            var peer = context.Connection.RemoteIpAddress;
            finalRemote ??= peer;
            if (peer is not null && !_http.SkipXffAppend)
            {
                var appended = IPAddress.IsLoopback(peer) ? LocalAddress.Value : peer.ToString();
                headers[HeaderNames.XForwardedFor] = xff.Count == 0 ? appended : xff + "," + appended;
            }

            headers[HeaderNames.XForwardedProto] = request.Scheme;
        }
        else
        {
            var xff = headers[HeaderNames.XForwardedFor];
            singleAddress = false;
            finalRemote = xff.Count == 0 ? null : AddressFromXff(xff, _edge.XffNumTrustedHops, out singleAddress);
            if (finalRemote is not null)
            {
                // %DOWNSTREAM_REMOTE_ADDRESS% is the client XFF names (port 0, as Envoy prints it).
                state.DownstreamRemoteAddress = finalRemote;
            }

            if (headers[HeaderNames.XForwardedProto].Count == 0)
            {
                headers[HeaderNames.XForwardedProto] = request.Scheme;
            }
        }

        var isInternal = _hasInternal && singleAddress && finalRemote is not null && IsInternal(finalRemote);
        var edge = !isInternal && _http.UseRemoteAddress;
        if (isInternal)
        {
            headers[HeaderNames.XEnvoyInternal] = "true";
        }
        else if (hasEnvoyHeaders)
        {
            headers.Remove(HeaderNames.XEnvoyInternal);
            foreach (var name in ExternalControlHeaders)
            {
                headers.Remove(name);
            }

            if (edge)
            {
                foreach (var name in EdgeOnlyHeaders)
                {
                    headers.Remove(name);
                }
            }
        }

        if (_http.AddUserAgent)
        {
            // Envoy's userAgent(): the local service cluster; a request without a user-agent gets it as one.
            headers["x-envoy-downstream-service-cluster"] = _localCluster;
            if (string.IsNullOrEmpty(headers.UserAgent))
            {
                headers.UserAgent = _localCluster;
            }

            if (_localNode.Length > 0)
            {
                headers["x-envoy-downstream-service-node"] = _localNode;
            }
        }

        if (edge)
        {
            finalRemote ??= context.Connection.RemoteIpAddress;
            if (finalRemote is not null)
            {
                headers[HeaderNames.XEnvoyExternalAddress] = finalRemote.ToString();
            }
        }

        // Read once: each indexer access is a header lookup.
        var sentRequestId = headers[HeaderNames.XRequestId];
        string requestId;
        if (_http.GenerateRequestId && (sentRequestId.Count == 0 || (edge && !_edge.PreserveExternalRequestId)))
        {
            requestId = RequestIdGenerator.NewId();
            headers[HeaderNames.XRequestId] = requestId;
        }
        else
        {
            requestId = sentRequestId.ToString();
        }

        if (_http.Via is { } via)
        {
            AppendVia(headers, via);
            context.Response.OnStarting(static s =>
            {
                var (response, value) = ((HttpResponse, string))s;
                AppendVia(response.Headers, value);
                return Task.CompletedTask;
            }, (context.Response, via));
        }

        state.RequestId = requestId;
        if (_http.AlwaysSetRequestIdInResponse)
        {
            context.Response.Headers[HeaderNames.XRequestId] = requestId;
        }
    }

    /// <summary>Envoy's Utility::appendVia: the value, after any the message already has, comma-separated.</summary>
    private static void AppendVia(IHeaderDictionary headers, string via)
    {
        var existing = headers[HeaderNames.Via];
        headers[HeaderNames.Via] = existing.Count == 0 ? via : existing.ToString() + ", " + via;
    }

    private bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var (prefix, length) in _edge.InternalCidrs)
        {
            if (InRange(address, prefix, length))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InRange(IPAddress address, IPAddress prefix, int length)
    {
        if (address.AddressFamily != prefix.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> p = stackalloc byte[16];
        address.TryWriteBytes(a, out var size);
        prefix.TryWriteBytes(p, out _);
        for (var bit = 0; bit < length && bit < size * 8; bit += 8)
        {
            var bits = Math.Min(8, length - bit);
            var mask = (byte)(0xFF << (8 - bits));
            if ((a[bit / 8] & mask) != (p[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Envoy's getLastAddressFromXFF: the entry <paramref name="skip"/> places from the right, or null when there is none or it is no IP.</summary>
    private static IPAddress? AddressFromXff(StringValues xff, int skip, out bool single)
    {
        var entries = xff.ToString().Split(',', StringSplitOptions.TrimEntries);
        single = entries.Length == 1;
        var index = entries.Length - 1 - skip;
        return index >= 0 && IPAddress.TryParse(entries[index], out var address) ? address : null;
    }

    /// <summary>Envoy's local address: the first non-loopback IPv4 address of an interface that is up, else loopback.</summary>
    private static string FindLocalAddress()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up)
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    {
                        return unicast.Address.ToString();
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
        }

        return "127.0.0.1";
    }

    /// <summary>The address the gateway appends to x-forwarded-for for a loopback peer (for tests and the admin).</summary>
    public static string GatewayLocalAddress => LocalAddress.Value;
}
