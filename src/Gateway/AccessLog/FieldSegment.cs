using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;

namespace Gateway.AccessLog;

/// <summary>A command operator that reads one field (<c>%RESPONSE_CODE%</c>, <c>%UPSTREAM_HOST%</c>, ...).</summary>
public sealed class FieldSegment : AccessLogSegment
{
    private readonly AccessLogField _field;

    public FieldSegment(AccessLogField field)
    {
        _field = field;
    }

    public AccessLogField Field => _field;

    public override bool IsNumeric => _field is AccessLogField.ResponseCode or AccessLogField.BytesReceived or AccessLogField.BytesSent
        or AccessLogField.Duration or AccessLogField.DownstreamLocalPort or AccessLogField.DownstreamRemotePort;

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        var context = entry.Context;
        var state = entry.State;
        switch (_field)
        {
            case AccessLogField.Protocol:
                return AppendString(text, context.Request.Protocol);
            case AccessLogField.ResponseCode:
                text.Append(context.Response.StatusCode);
                return true;
            case AccessLogField.ResponseFlags:
                // Envoy prints "-" when no flag is set; the text format shows the same either way.
                text.Append(state.ResponseFlags ?? "-");
                return true;
            case AccessLogField.ResponseCodeDetails:
                return AppendString(text, state.ResponseCodeDetails);
            case AccessLogField.BytesReceived:
                text.Append(entry.BytesReceived);
                return true;
            case AccessLogField.BytesSent:
                text.Append(entry.BytesSent);
                return true;
            case AccessLogField.Duration:
                text.Append(entry.DurationMs);
                return true;
            case AccessLogField.UpstreamHost:
                return AppendString(text, state.UpstreamHost);
            case AccessLogField.UpstreamCluster:
                // Envoy knows the cluster once the router found it, before a host is picked (request headers see it).
                return AppendString(text, state.UpstreamCluster ?? (state.RouteClusterName is { } name && state.Clusters.TryGet(name, out _) ? name : null));
            case AccessLogField.DownstreamRemoteAddress:
                return state.DownstreamRemoteAddress is { } fromXff
                    ? AppendEndpoint(text, fromXff, 0, withPort: true)
                    : AppendEndpoint(text, context.Connection.RemoteIpAddress, context.Connection.RemotePort, withPort: true);
            case AccessLogField.DownstreamRemoteAddressWithoutPort:
                return AppendEndpoint(text, state.DownstreamRemoteAddress ?? context.Connection.RemoteIpAddress, 0, withPort: false);
            case AccessLogField.DownstreamRemotePort:
                text.Append(context.Connection.RemotePort);
                return true;
            case AccessLogField.DownstreamLocalAddress:
                return AppendEndpoint(text, context.Connection.LocalIpAddress, context.Connection.LocalPort, withPort: true);
            case AccessLogField.DownstreamLocalAddressWithoutPort:
                return AppendEndpoint(text, context.Connection.LocalIpAddress, 0, withPort: false);
            case AccessLogField.DownstreamLocalPort:
                text.Append(context.Connection.LocalPort);
                return true;
            case AccessLogField.RouteName:
                return AppendString(text, state.Route?.Name);
            case AccessLogField.RequestedServerName:
                return AppendString(text, context.Features.Get<ITlsHandshakeFeature>()?.HostName);
            default:
                return false;
        }
    }

    private static bool AppendString(StringBuilder text, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        text.Append(value);
        return true;
    }

    private static bool AppendEndpoint(StringBuilder text, IPAddress? address, int port, bool withPort)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (withPort && v6)
        {
            text.Append('[').Append(address).Append("]:").Append(port);
        }
        else if (withPort)
        {
            text.Append(address).Append(':').Append(port);
        }
        else
        {
            text.Append(address);
        }

        return true;
    }
}
