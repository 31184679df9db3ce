using System.Buffers.Binary;
using System.Net.Sockets;

namespace Gateway.Tests.Wire;

/// <summary>
/// A cleartext HTTP/2 (prior knowledge) client speaking raw frames, for what HttpClient cannot do on
/// purpose: floods, rapid resets, reading the server's SETTINGS.
/// </summary>
public sealed class RawHttp2Connection : IAsyncDisposable
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpClient _client;
    private readonly Stream _stream;

    private RawHttp2Connection(TcpClient client, Stream? stream = null)
    {
        _client = client;
        _stream = stream ?? client.GetStream();
    }

    /// <summary>As <see cref="OpenAsync"/>, over TLS to <paramref name="serverName"/> with ALPN h2 (any certificate accepted).</summary>
    public static async Task<RawHttp2Connection> OpenTlsAsync(int port, string serverName, int receiveBuffer = 0)
    {
        var client = new TcpClient { NoDelay = true };
        if (receiveBuffer > 0)
        {
            client.ReceiveBufferSize = receiveBuffer;
        }

        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var tls = new System.Net.Security.SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        });
        var connection = new RawHttp2Connection(client, tls);
        await connection._stream.WriteAsync(Preface);
        await connection.WriteFrameAsync(Http2Frame.Settings, 0, 0, []);
        return connection;
    }

    /// <summary>Connects and sends the preface with an empty SETTINGS frame.</summary>
    /// <param name="prefix">Bytes sent before the preface (a PROXY protocol header).</param>
    /// <param name="receiveBuffer">The socket's receive buffer, when not the system's (a small one makes a client that does not read fill the server's queue soon).</param>
    /// <param name="splitPrefaceAfter">When not 0, the preface goes in two writes this many bytes apart, 100 ms between them.</param>
    public static async Task<RawHttp2Connection> OpenAsync(int port, byte[]? prefix = null, int receiveBuffer = 0, int splitPrefaceAfter = 0)
    {
        var client = new TcpClient { NoDelay = true };
        if (receiveBuffer > 0)
        {
            client.ReceiveBufferSize = receiveBuffer;
        }

        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var connection = new RawHttp2Connection(client);
        if (prefix is not null)
        {
            await connection._stream.WriteAsync(prefix);
        }

        if (splitPrefaceAfter > 0)
        {
            await connection._stream.WriteAsync(Preface.AsMemory(0, splitPrefaceAfter));
            await Task.Delay(100);
            await connection._stream.WriteAsync(Preface.AsMemory(splitPrefaceAfter));
        }
        else
        {
            await connection._stream.WriteAsync(Preface);
        }

        await connection.WriteFrameAsync(Http2Frame.Settings, 0, 0, []);
        return connection;
    }

    /// <summary>HPACK for GET or POST http://a/ from the static table (:method, :scheme http, :path /, :authority a).</summary>
    public static byte[] RequestHeaders(bool post = false) => [post ? (byte)0x83 : (byte)0x82, 0x86, 0x84, 0x41, 0x01, (byte)'a'];

    public Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload) => WriteFramesAsync([(type, flags, streamId, payload)]);

    /// <summary>Writes frames in one socket write; false when the server has closed the connection.</summary>
    public async Task<bool> TryWriteFramesAsync(IEnumerable<(byte Type, byte Flags, int StreamId, byte[] Payload)> frames, CancellationToken cancellationToken = default)
    {
        try
        {
            await WriteFramesAsync(frames, cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async Task WriteFramesAsync(IEnumerable<(byte Type, byte Flags, int StreamId, byte[] Payload)> frames, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        foreach (var (type, flags, streamId, payload) in frames)
        {
            var header = new byte[9];
            header[0] = (byte)(payload.Length >> 16);
            header[1] = (byte)(payload.Length >> 8);
            header[2] = (byte)payload.Length;
            header[3] = type;
            header[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(5), streamId & int.MaxValue);
            buffer.Write(header);
            buffer.Write(payload);
        }

        await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
    }

    /// <summary>The server closed the connection (a read hit its end), as opposed to a read timing out.</summary>
    public bool Closed { get; private set; }

    /// <summary>The next frame, or null when the connection closed (or nothing came within <paramref name="timeoutMs"/>).</summary>
    public async Task<Http2Frame?> ReadFrameAsync(int timeoutMs = 10_000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            var header = new byte[9];
            await _stream.ReadExactlyAsync(header, timeout.Token);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, timeout.Token);
            return new Http2Frame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue, payload);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            Closed = true;
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Reads until a frame of <paramref name="type"/> (returned) or the end (null).</summary>
    public async Task<Http2Frame?> ReadUntilAsync(byte type, int timeoutMs = 10_000)
    {
        while (await ReadFrameAsync(timeoutMs) is { } frame)
        {
            if (frame.Type == type)
            {
                return frame;
            }
        }

        return null;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
