using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Hosting;

/// <summary>
/// A listener (or the admin) whose socket could not be bound at start: which one, where, why, and
/// what to change. Program prints <see cref="Exception.Message"/> as one line and exits 1, because a
/// port in use, a privileged port or an address the host does not have is a user's mistake, not a crash.
/// </summary>
public sealed class ListenerBindException : Exception
{
    public ListenerBindException(string listenerName, bool isAdmin, IPEndPoint? endpoint, SocketError error, Exception inner)
        : base(Describe(listenerName, isAdmin, endpoint, error, inner), inner)
    {
        ListenerName = listenerName;
        SocketError = error;
    }

    public string ListenerName { get; }

    public SocketError SocketError { get; }

    /// <summary>The socket error under a bind failure, if that is what <paramref name="e"/> is.</summary>
    public static SocketError? SocketErrorOf(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AddressInUseException:
                    return SocketError.AddressAlreadyInUse;
                case SocketException socket:
                    return socket.SocketErrorCode;
            }
        }

        return null;
    }

    /// <summary>
    /// One line: <c>cannot bind a listener: listener 'listener_0' on 192.0.2.7:10000: the address is not
    /// on this host (...); use ...</c>. Envoy's own words are "cannot bind '...': ..."; the fix is ours.
    /// </summary>
    public static string Describe(string listenerName, bool isAdmin, IPEndPoint? endpoint, SocketError error, Exception inner)
    {
        var what = isAdmin ? "the admin interface" : $"listener '{listenerName}'";
        var where = endpoint?.ToString() ?? "its address";
        var field = isAdmin ? "admin.address.socket_address" : $"the socket_address of listener '{listenerName}'";
        var port = endpoint?.Port ?? 0;
        var (reason, fix) = error switch
        {
            SocketError.AddressAlreadyInUse =>
                ("the address is in use", $"stop whatever holds port {port} or change port_value in {field}"),
            SocketError.AccessDenied when port is > 0 and < 1024 =>
                ($"port {port} is privileged and this process may not bind it",
                 $"use a port_value of 1024 or more in {field}, or run with CAP_NET_BIND_SERVICE (docker: --cap-add NET_BIND_SERVICE; a file: setcap cap_net_bind_service=+ep)"),
            SocketError.AccessDenied =>
                ("permission denied", $"check what forbids this process to listen there (a firewall, SELinux, a sandbox), or change {field}"),
            SocketError.AddressNotAvailable =>
                ($"{endpoint?.Address} is not an address of this host",
                 $"use 0.0.0.0 (every address), 127.0.0.1, or one of {HostAddresses()} in {field}"),
            _ => (inner.Message.TrimEnd('.'), $"check {field}"),
        };
        return $"cannot bind a listener: {what} on {where}: {reason}; {fix}";
    }

    private static string HostAddresses()
    {
        try
        {
            var addresses = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
                .Select(a => a.ToString())
                .Distinct()
                .Take(6)
                .ToList();
            return addresses.Count == 0 ? "this host's addresses" : $"this host's addresses ({string.Join(", ", addresses)})";
        }
        catch (NetworkInformationException)
        {
            return "this host's addresses";
        }
    }
}
