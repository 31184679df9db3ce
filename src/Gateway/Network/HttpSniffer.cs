using System.Buffers;

namespace Gateway.Network;

/// <summary>
/// What http_inspector does: tells HTTP/2 prior knowledge (<c>h2c</c>) and HTTP/1.x (<c>http/1.0</c>,
/// <c>http/1.1</c>) from other cleartext bytes by the connection preface or the request line.
/// </summary>
internal static class HttpSniffer
{
    private static ReadOnlySpan<byte> Http2Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Envoy's http_inspector gives up after this many bytes without a request line.</summary>
    public const int MaxInspected = 8192;

    public static InspectionResult TryDetect(ReadOnlySequence<byte> data, out string? protocol)
    {
        protocol = null;
        var length = (int)Math.Min(data.Length, MaxInspected);
        Span<byte> head = length <= 1024 ? stackalloc byte[length] : new byte[length];
        data.Slice(0, length).CopyTo(head);

        var preface = Http2Preface;
        var common = Math.Min(head.Length, preface.Length);
        if (head[..common].SequenceEqual(preface[..common]))
        {
            if (common < preface.Length)
            {
                return InspectionResult.NeedMore;
            }

            protocol = "h2c";
            return InspectionResult.Found;
        }

        // A request line: METHOD SP target SP HTTP/1.x CRLF, the method a token of upper-case letters.
        for (var i = 0; i < head.Length; i++)
        {
            var c = head[i];
            if (c == ' ' && i > 0)
            {
                break;
            }

            if (c is < (byte)'A' or > (byte)'Z')
            {
                return InspectionResult.NotFound;
            }
        }

        var end = head.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return head.Length >= MaxInspected || data.Length > MaxInspected ? InspectionResult.NotFound : InspectionResult.NeedMore;
        }

        var line = head[..end];
        if (line.EndsWith(" HTTP/1.1"u8))
        {
            protocol = "http/1.1";
            return InspectionResult.Found;
        }

        if (line.EndsWith(" HTTP/1.0"u8))
        {
            protocol = "http/1.0";
            return InspectionResult.Found;
        }

        return InspectionResult.NotFound;
    }
}
