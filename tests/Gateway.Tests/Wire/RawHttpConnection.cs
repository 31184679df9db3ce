using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Wire;

/// <summary>
/// A client socket that writes exact bytes and reads HTTP/1 responses (Content-Length, chunked, or
/// until close), for asserting what the gateway puts on the wire.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _pending = new();

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawHttpConnection(client);
    }

    /// <summary>Opens a connection, sends <paramref name="request"/>, reads one response.</summary>
    public static async Task<RawResponse> ExchangeAsync(int port, string request)
    {
        await using var connection = await OpenAsync(port);
        await connection.SendAsync(request);
        return await connection.ReadResponseAsync();
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The server may close before reading everything it was sent.
        }
    }

    /// <summary>True once the server has closed its side (reads return 0) within <paramref name="timeoutMs"/>.</summary>
    public async Task<bool> IsClosedAsync(int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return true;
                }

                _pending.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async Task<RawResponse> ReadResponseAsync(int timeoutMs = 10_000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var headEnd = await FillUntilAsync(data => IndexOf(data, "\r\n\r\n"u8), timeout.Token);
        var all = _pending.ToArray();
        var head = Encoding.Latin1.GetString(all, 0, headEnd);
        var lines = head.Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1].Trim() : "")).ToList();
        var response = new RawResponse(lines[0], headers, "");
        var bodyStart = headEnd + 4;
        string body;
        int consumed;
        if (response.Header("content-length") is { } lengthText)
        {
            var length = int.Parse(lengthText);
            await FillUntilAsync(data => data.Length >= bodyStart + length ? bodyStart : -1, timeout.Token);
            all = _pending.ToArray();
            body = Encoding.Latin1.GetString(all, bodyStart, length);
            consumed = bodyStart + length;
        }
        else if (response.Header("transfer-encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            await FillUntilAsync(data => IndexOf(data[bodyStart..], "0\r\n\r\n"u8) is >= 0 and var i ? i : -1, timeout.Token);
            all = _pending.ToArray();
            var text = new StringBuilder();
            var at = bodyStart;
            while (true)
            {
                var lineEnd = IndexOf(all.AsSpan(at), "\r\n"u8) + at;
                var size = Convert.ToInt32(Encoding.ASCII.GetString(all, at, lineEnd - at).Split(';')[0], 16);
                at = lineEnd + 2;
                if (size == 0)
                {
                    at += 2;
                    break;
                }

                text.Append(Encoding.Latin1.GetString(all, at, size));
                at += size + 2;
            }

            body = text.ToString();
            consumed = at;
        }
        else if (response.Status is 204 or 304 or < 200)
        {
            body = "";
            consumed = bodyStart;
        }
        else
        {
            await IsClosedAsync(timeoutMs);
            all = _pending.ToArray();
            body = Encoding.Latin1.GetString(all, bodyStart, all.Length - bodyStart);
            consumed = all.Length;
        }

        var left = all[consumed..];
        _pending.SetLength(0);
        _pending.Write(left);
        return response with { Body = body };
    }

    private async Task<int> FillUntilAsync(Func<byte[], int> found, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var at = found(_pending.ToArray());
            if (at >= 0)
            {
                return at;
            }

            var read = await _stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection before a whole response: " + Encoding.Latin1.GetString(_pending.ToArray()));
            }

            _pending.Write(buffer, 0, read);
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value) => data.IndexOf(value);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
