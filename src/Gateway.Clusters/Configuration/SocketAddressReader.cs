using System.Net;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.config.core.v3.Address with its socket_address.</summary>
internal static class SocketAddressReader
{
    /// <param name="udp">The address is a UDP peer (a statsd collector): protocol UDP is what it should say, not refused.</param>
    public static SocketAddressConfig? Read(MessageReader? address, MessageReader parent, string field, bool requireIp = false, bool udp = false)
    {
        if (address is null)
        {
            parent.Context.Error(parent.Join(field), parent.Mark, $"missing required field '{field}'");
            return null;
        }

        if (address.Has("pipe") || address.Has("envoy_internal_address"))
        {
            address.Unsupported("pipe", "use a socket_address");
            address.Unsupported("envoy_internal_address", "use a socket_address");
            address.Finish();
            return null;
        }

        var socket = address.Message("socket_address", "envoy.config.core.v3.SocketAddress");
        address.Finish();
        if (socket is null)
        {
            address.Context.Error(address.Join("socket_address"), address.Mark, "missing socket_address");
            return null;
        }

        var host = socket.RequiredString("address");
        var port = (int)(socket.Integer("port_value", 0, 65535) ?? 0);
        if (socket.Has("named_port"))
        {
            socket.Unsupported("named_port", "use port_value");
        }

        // A statsd sink's address is sent to over UDP whatever it says; TCP is the field's default, so both are fine there.
        if (socket.String("protocol") is { } protocol && !protocol.Equals("TCP", StringComparison.OrdinalIgnoreCase) &&
            !(udp && protocol.Equals("UDP", StringComparison.OrdinalIgnoreCase)))
        {
            socket.Context.Unsupported(socket.Join("protocol"), socket.MarkOf("protocol"), $"protocol {protocol} is not supported; use {(udp ? "UDP or TCP" : "TCP")}");
        }

        socket.Accept("ipv4_compat");
        socket.Accept("resolver_name");
        if (!socket.Has("port_value") && !socket.FieldNames.Contains("port_value"))
        {
            socket.Context.Error(socket.Join("port_value"), socket.Mark, "missing port_value");
        }

        socket.Finish();
        if (requireIp && host.Length > 0 && !IPAddress.TryParse(host, out _))
        {
            socket.Context.Error(socket.Join("address"), socket.MarkOf("address"),
                $"malformed IP address: {host}; a listener binds an IP such as 0.0.0.0 or 127.0.0.1");
        }

        return new SocketAddressConfig(host, port);
    }
}
