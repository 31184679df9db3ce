using System.Buffers;
using System.Text;

namespace Gateway.Codec;

/// <summary>
/// Checks one complete HTTP/1 request head (request line and header lines, without the final empty
/// line) against Envoy's HTTP/1 codec rules, which are stricter than Kestrel's in some places and
/// laxer in others: the header budget (URL plus names and values, <c>max_request_headers_kb</c>),
/// the header count, HTTP/1.0 (426 unless accepted), Content-Length with Transfer-Encoding (400),
/// transfer-codings other than chunked (501), a #fragment (400), malformed names and lines (400).
/// Also works out where the body ends, so the guard knows where the next head starts.
/// </summary>
internal static class Http1HeadValidator
{
    // RFC 9110 tchar.
    private static readonly SearchValues<byte> Token = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> HostChars = SearchValues.Create(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-_:[]"u8);

    public static readonly CodecError CodecFailure = new(400, "http1.codec_error");
    public static readonly CodecError HeadersTooLarge = new(431, "http1.headers_too_large");
    private static readonly CodecError TooManyHeaders = new(431, "http1.too_many_headers");
    private static readonly CodecError LowVersion = new(426, "low_version");
    private static readonly CodecError ChunkedContentLength = new(400, "http1.content_length_and_chunked_not_allowed");
    private static readonly CodecError InvalidTransferEncoding = new(501, "http1.invalid_transfer_encoding");
    private static readonly CodecError Fragment = new(400, "path_normalization_failed", WithBody: false);

    public static Http1HeadVerdict Validate(ReadOnlySpan<byte> head, Http1Limits limits)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        var firstSpace = requestLine.IndexOf((byte)' ');
        var lastSpace = requestLine.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || requestLine[..firstSpace].IndexOfAnyExcept(Token) >= 0)
        {
            return Fail(CodecFailure, "GET"u8, "/"u8, default);
        }

        var methodBytes = requestLine[..firstSpace];
        var targetBytes = requestLine[(firstSpace + 1)..lastSpace];
        var version = requestLine[(lastSpace + 1)..];
        // Strings are made only for a refusal (its stand-in request); an accepted head allocates nothing.
        var method = methodBytes;
        if (!IsVisible(targetBytes) || !version.StartsWith("HTTP/"u8) || version.Length != 8 || version[6] != (byte)'.')
        {
            return Fail(CodecFailure, method, "/"u8, default);
        }

        var hasFragment = targetBytes.IndexOf((byte)'#') >= 0;
        var safeTarget = targetBytes[0] == (byte)'/' && !hasFragment ? targetBytes : "/"u8;
        var isConnect = method.SequenceEqual("CONNECT"u8);
        var http11 = version[5] == (byte)'1' && version[7] == (byte)'1';
        var size = targetBytes.Length;
        var count = 0;
        var hasContentLength = false;
        long contentLength = -1;
        var contentLengthInvalid = false;
        ReadOnlySpan<byte> transferEncoding = default;
        var transferEncodingLines = 0;
        var hasUpgrade = false;
        var connectionUpgrade = false;
        List<string>? nominated = null;
        ReadOnlySpan<byte> host = default;
        var rest = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAnyExcept(Token) >= 0)
            {
                // No name, a space before the colon, a folded line, bytes outside tchar: Envoy's parser refuses it.
                return Fail(CodecFailure, method, safeTarget, host);
            }

            count++;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            size += name.Length + value.Length;
            if (name.Length == 14 && Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!TryParseLength(value, out var length) || (hasContentLength && length != contentLength))
                {
                    contentLengthInvalid = true;
                }

                hasContentLength = true;
                contentLength = length;
            }
            else if (name.Length == 17 && Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                transferEncoding = value;
                transferEncodingLines++;
            }
            else if (name.Length == 4 && Ascii.EqualsIgnoreCase(name, "host"u8))
            {
                host = value;
            }
            else if (name.Length == 7 && Ascii.EqualsIgnoreCase(name, "upgrade"u8))
            {
                hasUpgrade = value.Length > 0;
            }
            else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "upgrade"u8))
                    {
                        connectionUpgrade = true;
                    }
                    else if (token.Length > 0 && !Ascii.EqualsIgnoreCase(token, "keep-alive"u8) && !Ascii.EqualsIgnoreCase(token, "close"u8) && !Ascii.EqualsIgnoreCase(token, "te"u8))
                    {
                        (nominated ??= []).Add(Encoding.ASCII.GetString(token));
                    }
                }
            }
        }

        if (size > limits.MaxRequestHeadersBytes)
        {
            return Fail(HeadersTooLarge, method, safeTarget, host);
        }

        if (count > limits.MaxHeadersCount)
        {
            return Fail(TooManyHeaders, method, safeTarget, host);
        }

        var chunked = false;
        if (transferEncodingLines > 0)
        {
            if (hasContentLength && !limits.AllowChunkedLength)
            {
                return Fail(ChunkedContentLength, method, safeTarget, host);
            }

            chunked = transferEncodingLines == 1 && Ascii.EqualsIgnoreCase(transferEncoding, "chunked"u8);
            if (!chunked || isConnect)
            {
                return Fail(InvalidTransferEncoding, method, safeTarget, host);
            }
        }

        // Envoy checks the version once the head is parsed, after the framing headers.
        if (!http11 && !limits.AcceptHttp10)
        {
            return Fail(LowVersion, method, safeTarget, host);
        }

        if (transferEncodingLines == 0 && contentLengthInvalid)
        {
            return Fail(CodecFailure, method, safeTarget, host);
        }

        if (hasFragment)
        {
            return Fail(Fragment, method, "/"u8, host);
        }

        var framing = isConnect || (hasUpgrade && connectionUpgrade)
            ? Http1BodyFraming.Opaque
            : chunked ? Http1BodyFraming.Chunked
            : contentLength > 0 ? Http1BodyFraming.Length
            : Http1BodyFraming.None;
        return new Http1HeadVerdict(null, framing, contentLength, "", "", null) { Nominated = nominated?.ToArray() };
    }

    private static Http1HeadVerdict Fail(CodecError error, ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, ReadOnlySpan<byte> host) =>
        new(error, Http1BodyFraming.None, 0, Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target),
            !host.IsEmpty && host.IndexOfAnyExcept(HostChars) < 0 ? Encoding.ASCII.GetString(host) : null);

    private static bool IsVisible(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b <= 0x20 || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18)
        {
            return false;
        }

        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            length = length * 10 + (b - '0');
        }

        return true;
    }
}
