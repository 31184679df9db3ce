using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Network;

/// <summary>Raw client sockets for network listener tests.</summary>
internal static class TcpClientHelpers
{
    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>Reads until the peer closes (or <paramref name="timeout"/>, then fails); returns the bytes.</summary>
    public static async Task<byte[]> ReadToEndAsync(Stream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var result = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                result.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // A reset after the data counts as the end here; callers assert on the bytes.
        }

        return result.ToArray();
    }

    /// <summary>Reads one '\n'-terminated line.</summary>
    public static async Task<string> ReadLineAsync(Stream stream)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, cts.Token) == 1 && one[0] != '\n')
        {
            line.Add(one[0]);
        }

        return Encoding.ASCII.GetString(line.ToArray());
    }

    /// <summary>True once the peer has closed the connection (read returns 0 or resets).</summary>
    public static async Task<bool> ClosedByPeerAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
