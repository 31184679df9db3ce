using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Filters;

/// <summary>A loopback port nothing listens on (bound, then released), for "peer down" tests.</summary>
public static class ClosedPort
{
    public static int Get()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
