using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Filters;

/// <summary>A TCP peer on 127.0.0.1 that answers every connection with bytes that are not HTTP, then closes it.</summary>
public sealed class GarbagePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public GarbagePeer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                // Read a little of the request so the write is not a reset before the client sent anything.
                var buffer = new byte[1024];
                _ = await stream.ReadAsync(buffer, _stop.Token);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("garbage that is not HTTP\r\n\r\n"), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
