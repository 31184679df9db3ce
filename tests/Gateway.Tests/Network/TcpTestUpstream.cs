using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Tests.Network;

/// <summary>
/// A raw TCP upstream on 127.0.0.1 for tcp_proxy tests. Each connection gets <see cref="Greeting"/>
/// (when set) then an echo of what it sends; a client FIN ends the echo and closes, so a half-closed
/// client still reads everything echoed. With a certificate it speaks TLS (and greets with the SNI
/// it received). <see cref="Connections"/> counts accepted connections.
/// </summary>
internal sealed class TcpTestUpstream : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Stream, Task>? _custom;
    private readonly X509Certificate2? _certificate;
    private readonly Task _accepting;
    private int _connections;

    private TcpTestUpstream(string? greeting, X509Certificate2? certificate, Func<Stream, Task>? custom)
    {
        Greeting = greeting;
        _certificate = certificate;
        _custom = custom;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = AcceptLoopAsync();
    }

    public int Port { get; }

    public string? Greeting { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Echoes (after <paramref name="greeting"/>, if any).</summary>
    public static TcpTestUpstream Echo(string? greeting = null) => new(greeting, null, null);

    /// <summary>TLS with <paramref name="certificate"/>: greets with "sni=&lt;name&gt;\n", then echoes.</summary>
    public static TcpTestUpstream Tls(X509Certificate2 certificate) => new(null, certificate, null);

    /// <summary>Runs <paramref name="serve"/> on each connection's stream.</summary>
    public static TcpTestUpstream Custom(Func<Stream, Task> serve) => new(null, null, serve);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: true);
            if (_custom is not null)
            {
                await _custom(network);
                return;
            }

            Stream stream = network;
            if (_certificate is not null)
            {
                var tls = new SslStream(network);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                await tls.WriteAsync(Encoding.ASCII.GetBytes($"sni={tls.TargetHostName}\n"), _stop.Token);
                stream = tls;
            }
            else if (Greeting is not null)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(Greeting), _stop.Token);
            }

            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }

            if (stream is SslStream ssl)
            {
                await ssl.ShutdownAsync();
            }
            else
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
