using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Gateway.Codec;
using Gateway.Hosting;

namespace Gateway.Tests.Wire;

/// <summary>
/// A request head that reaches the HTTP/1 guard in pieces (the guard searches each piece only from where
/// the last search stopped): it is held back until its empty line has arrived, wherever the reads split
/// it (also inside the final CRLF CRLF), then handed on whole, and the head after it is found as well.
/// </summary>
public sealed class Http1RequestGuardPiecesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task A_head_arriving_in_pieces_is_handed_on_once_complete(int pieceLength)
    {
        const string First = "POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        const string Second = "GET /second HTTP/1.1\r\nHost: a\r\n\r\n";
        var pipe = new Pipe();
        var guard = new Http1RequestGuard(pipe.Reader, new DownstreamConnection(new ListenerSlot("listener_0", isAdmin: false)),
            new Http1Limits(60 * 1024, 100, AcceptHttp10: false, AllowChunkedLength: false, RequestHeadersTimeout: null));

        // The first head, piece by piece: nothing is visible before its last byte.
        for (var offset = 0; offset < First.Length; offset += pieceLength)
        {
            var piece = First.Substring(offset, Math.Min(pieceLength, First.Length - offset));
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(piece));
            if (offset + piece.Length < First.Length)
            {
                Assert.False(guard.TryRead(out _), $"an incomplete head was handed on at byte {offset + piece.Length}");
                continue;
            }

            Assert.True(guard.TryRead(out var read));
            Assert.Equal(First, Encoding.ASCII.GetString(read.Buffer.ToArray()));
            guard.AdvanceTo(read.Buffer.End);
        }

        // The body and most of the next head: the body alone is handed on.
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("body" + Second[..^2]));
        var body = await guard.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("body", Encoding.ASCII.GetString(body.Buffer.ToArray()));
        guard.AdvanceTo(body.Buffer.End);

        // The rest of its empty line arrives while the read waits.
        var pending = guard.ReadAsync();
        Assert.False(pending.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("\r\n"));
        var second = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Second, Encoding.ASCII.GetString(second.Buffer.ToArray()));
    }
}
