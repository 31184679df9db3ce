using System.Net;
using System.Net.Sockets;
using System.Text;
using DemoUpstream;
using Gateway.Tests.Support;

namespace Gateway.Tests.BadInput;

/// <summary>
/// Hostile requests over raw sockets: each gets a clean 4xx or a closed connection, and the gateway
/// keeps serving everyone else.
/// </summary>
public class DownstreamAbuseTests
{
    /// <summary>Sends raw bytes and returns what came back until the server closed or 5s passed.</summary>
    private static async Task<string> SendRawAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may close before reading everything (oversized input).
        }

        var buffer = new byte[64 * 1024];
        var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static async Task AssertStillServingAsync(TestGateway gateway)
    {
        using var response = await gateway.Client.GetAsync("/get");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EachAbuseGetsA4xxOrAClosedConnectionAndOthersAreServed()
    {
        await using var upstream = await DemoUpstreamServer.StartAsync();
        await using var gateway = await TestGateway.StartAsync(EnvoyYaml.Backend([upstream.Port]));
        var port = gateway.PortOf("listener_0");
        await AssertStillServingAsync(gateway);

        // Oversized headers (beyond max_request_headers_kb, 60 KiB by default): 431.
        var big = Encoding.ASCII.GetBytes($"GET /get HTTP/1.1\r\nHost: a\r\nX-Big: {new string('a', 100 * 1024)}\r\n\r\n");
        var reply = await SendRawAsync(port, big);
        Assert.StartsWith("HTTP/1.1 431", reply);
        await AssertStillServingAsync(gateway);

        // Smuggling shape: both Content-Length and Transfer-Encoding. Kestrel follows RFC 9112 6.1:
        // chunked wins, then the connection closes, so the GET hidden behind the body is never served.
        // (Envoy answers 400 here unless allow_chunked_length; either way nothing is smuggled.)
        var upstreamBefore = upstream.RequestCount;
        reply = await SendRawAsync(port, Encoding.ASCII.GetBytes(
            "POST /post HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /get HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.True(reply.Length == 0 || reply.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) || reply.Contains("Connection: close", StringComparison.OrdinalIgnoreCase),
            $"CL+TE kept the connection open: {reply}");
        Assert.True(upstream.RequestCount - upstreamBefore <= 1, "the smuggled request reached the upstream");
        await AssertStillServingAsync(gateway);

        // Invalid characters in a header name and in a header value: 400.
        reply = await SendRawAsync(port, Encoding.ASCII.GetBytes("GET /get HTTP/1.1\r\nHost: a\r\nBad Header: v\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", reply);
        // NUL and a bare CR in a value (Kestrel), and the other control characters (the gateway, as
        // Envoy's codec): 400, and the upstream never sees them.
        reply = await SendRawAsync(port, Encoding.Latin1.GetBytes("GET /get HTTP/1.1\r\nHost: a\r\nX-Ctl: a\u0000b\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", reply);
        var seenBefore = upstream.RequestCount;
        reply = await SendRawAsync(port, Encoding.Latin1.GetBytes("GET /get HTTP/1.1\r\nHost: a\r\nX-Ctl: a\u0001b\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", reply);
        reply = await SendRawAsync(port, Encoding.Latin1.GetBytes("GET /get HTTP/1.1\r\nHost: a\r\nX-Del: a\u007Fb\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", reply);
        Assert.Equal(seenBefore, upstream.RequestCount);
        reply = await SendRawAsync(port, Encoding.Latin1.GetBytes("GET /get HTTP/1.1\r\nHost: a\r\nX-Cr: a\rb\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 400", reply);
        await AssertStillServingAsync(gateway);

        // A request line that is not HTTP at all: 400 or closed.
        reply = await SendRawAsync(port, Encoding.ASCII.GetBytes("\u0016\u0003\u0001garbage\r\n\r\n"));
        Assert.True(reply.Length == 0 || reply.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), reply);
        await AssertStillServingAsync(gateway);
    }
}
