using System.Buffers;
using System.Text;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// Turns a callout response body into a request header value that is always valid on the wire. The seed
/// plugin adds the raw body; Envoy would then reject (or a lenient hop would split) a body with CR/LF, so
/// control characters are folded to spaces and the value is capped in UTF-8 bytes.
/// </summary>
internal static class HeaderValueSanitizer
{
    // Everything below 0x20 except HTAB (valid in field values), and DEL.
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\n\u000B\u000C\r\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>
    /// Decodes at most <paramref name="maxBytes"/> bytes of <paramref name="body"/> as UTF-8, cutting before a
    /// character that would straddle the cap, and replaces control characters with spaces.
    /// </summary>
    public static string ToHeaderValue(ReadOnlySpan<byte> body, int maxBytes)
    {
        var length = Math.Min(body.Length, maxBytes);
        if (length < body.Length)
        {
            // body[length] is the first byte cut off; while it is a continuation byte (10xxxxxx) the
            // character it belongs to started inside the kept part, so drop that partial character too.
            while (length > 0 && (body[length] & 0xC0) == 0x80)
            {
                length--;
            }
        }

        var text = Encoding.UTF8.GetString(body[..length]);
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            var rest = span[state.first..];
            int i;
            while ((i = rest.IndexOfAny(Controls)) >= 0)
            {
                rest[i] = ' ';
                rest = rest[(i + 1)..];
            }
        });
    }
}
