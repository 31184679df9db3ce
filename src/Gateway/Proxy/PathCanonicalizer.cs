using System.Text;

namespace Gateway.Proxy;

/// <summary>
/// normalize_path: the path canonicalization Envoy takes from Chromium's URL library (url_canon_path),
/// over the path without its query. Dot segments (also written <c>%2E</c>) are resolved and never climb
/// above the root, a backslash is a slash, escapes of unreserved characters are decoded, characters a
/// path may not hold are escaped, and every other escape is kept exactly as sent (hex case included).
/// An escaped or raw NUL fails the path (Envoy answers 400).
/// </summary>
internal static class PathCanonicalizer
{
    [Flags]
    private enum CharFlags : byte
    {
        // Copied as is, escaped or not.
        Pass = 0,

        // Needs a look in the loop (dot, backslash, percent, and everything below).
        Special = 1,

        // Written as %XX.
        Escape = 2 | Special,

        // %XX of it is decoded.
        Unescape = 4,

        // Fails the path (NUL).
        Invalid = 8 | Special,
    }

    private static readonly CharFlags[] Table = BuildTable();

    /// <summary>Canonicalizes <paramref name="path"/> (no query); false when Envoy would reject it.</summary>
    public static bool TryCanonicalize(string path, out string canonical)
    {
        if (!Ascii.IsValid(path))
        {
            // Chromium works on bytes: a non-ASCII character is its UTF-8 bytes, each escaped below.
            path = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(path));
        }

        var output = new StringBuilder(path.Length + 1);
        var success = true;
        if (path.Length == 0)
        {
            canonical = "/";
            return true;
        }

        if (!IsSlash(path[0]))
        {
            output.Append('/');
        }

        var lastInvalidPercent = int.MinValue;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            var flags = Table[c];
            if ((flags & CharFlags.Special) == 0)
            {
                output.Append(c);
                continue;
            }

            var dotLength = DotLength(path, i);
            if (dotLength > 0)
            {
                if (output.Length > 0 && output[^1] == '/')
                {
                    var after = i + dotLength;
                    switch (ClassifyAfterDot(path, after, out var consumed))
                    {
                        case DotKind.NotADirectory:
                            output.Append('.');
                            break;
                        case DotKind.Current:
                            break;
                        case DotKind.Up:
                            BackUpToPreviousSlash(output);
                            break;
                    }

                    i += dotLength + consumed - 1;
                }
                else
                {
                    // A dot inside a segment is just part of its name.
                    output.Append('.');
                    i += dotLength - 1;
                }
            }
            else if (c == '\\')
            {
                output.Append('/');
            }
            else if (c == '%')
            {
                if (TryDecodeEscape(path.AsSpan(), i, out var value))
                {
                    var valueFlags = Table[value];
                    if ((valueFlags & CharFlags.Unescape) != 0)
                    {
                        output.Append((char)value);
                        i += 2;
                        if (lastInvalidPercent >= output.Length - 3)
                        {
                            EscapeNestedPercent(path, i + 1, lastInvalidPercent, output);
                        }
                    }
                    else
                    {
                        // Kept exactly as sent: a server may care about the case of its hex digits.
                        output.Append(path, i, 3);
                        i += 2;
                        if ((valueFlags & CharFlags.Invalid) == CharFlags.Invalid)
                        {
                            success = false;
                        }
                    }
                }
                else
                {
                    // Not an escape: passed on, as browsers other than IE do.
                    lastInvalidPercent = output.Length;
                    output.Append('%');
                }
            }
            else if ((flags & CharFlags.Invalid) == CharFlags.Invalid)
            {
                AppendEscaped(output, c);
                success = false;
            }
            else if ((flags & CharFlags.Escape) == CharFlags.Escape)
            {
                AppendEscaped(output, c);
            }
        }

        canonical = output.ToString();
        return success;
    }

    private enum DotKind
    {
        NotADirectory,
        Current,
        Up,
    }

    private static bool IsSlash(char c) => c is '/' or '\\';

    /// <summary>1 for '.', 3 for %2E or %2e, else 0.</summary>
    private static int DotLength(string path, int i)
    {
        if (path[i] == '.')
        {
            return 1;
        }

        return path[i] == '%' && i + 2 < path.Length && path[i + 1] == '2' && (path[i + 2] is 'e' or 'E') ? 3 : 0;
    }

    private static DotKind ClassifyAfterDot(string path, int after, out int consumed)
    {
        consumed = 0;
        if (after == path.Length)
        {
            return DotKind.Current;
        }

        if (IsSlash(path[after]))
        {
            consumed = 1;
            return DotKind.Current;
        }

        var second = DotLength(path, after);
        if (second > 0)
        {
            var afterSecond = after + second;
            if (afterSecond == path.Length)
            {
                consumed = second;
                return DotKind.Up;
            }

            if (IsSlash(path[afterSecond]))
            {
                consumed = second + 1;
                return DotKind.Up;
            }
        }

        return DotKind.NotADirectory;
    }

    /// <summary>Drops the last segment of the output (which ends in a slash), never the root slash.</summary>
    private static void BackUpToPreviousSlash(StringBuilder output)
    {
        var i = output.Length - 1;
        if (i == 0)
        {
            return;
        }

        i--;
        while (i > 0 && output[i] != '/')
        {
            i--;
        }

        output.Length = i + 1;
    }

    private static bool TryDecodeEscape(ReadOnlySpan<char> text, int percent, out byte value)
    {
        value = 0;
        if (percent + 3 > text.Length)
        {
            return false;
        }

        var high = HexValue(text[percent + 1]);
        var low = HexValue(text[percent + 2]);
        if (high < 0 || low < 0)
        {
            return false;
        }

        value = (byte)((high << 4) | low);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// A '%' that began no escape, followed within two characters by a character just decoded, may now
    /// read as an escape (<c>%%30</c> then <c>0</c> is <c>%00</c>); that '%' becomes <c>%25</c> so the output
    /// cannot decode to something else when read again.
    /// </summary>
    private static void EscapeNestedPercent(string path, int nextInput, int lastInvalidPercent, StringBuilder output)
    {
        var length = output.Length;
        var lastDecoded = output[length - 1];
        var appendNext = lastInvalidPercent == length - 2;
        if (appendNext)
        {
            if (nextInput == path.Length || path[nextInput] >= 0x80)
            {
                return;
            }

            output.Append(path[nextInput]);
        }

        Span<char> candidate = [output[lastInvalidPercent], output[lastInvalidPercent + 1], output[lastInvalidPercent + 2]];
        if (TryDecodeEscape(candidate, 0, out _))
        {
            if (!appendNext)
            {
                output.Append(output[lastInvalidPercent + 1]);
            }

            output[lastInvalidPercent + 1] = '2';
            output[lastInvalidPercent + 2] = '5';
            output.Append(lastDecoded);
        }
        else if (appendNext)
        {
            output.Length = length;
        }
    }

    private static void AppendEscaped(StringBuilder output, char c)
    {
        output.Append('%');
        output.Append(ToHex(c >> 4));
        output.Append(ToHex(c & 0xF));
    }

    private static char ToHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private static CharFlags[] BuildTable()
    {
        var table = new CharFlags[256];
        // Controls are escaped, NUL fails; everything with the high bit set is escaped.
        table[0] = CharFlags.Invalid;
        for (var c = 1; c < 0x20; c++)
        {
            table[c] = CharFlags.Escape;
        }

        for (var c = 0x7F; c < 0x100; c++)
        {
            table[c] = CharFlags.Escape;
        }

        // Letters, digits and - _ ~ are unreserved: their escapes are decoded.
        for (var c = '0'; c <= '9'; c++)
        {
            table[c] = CharFlags.Unescape;
        }

        for (var c = 'A'; c <= 'Z'; c++)
        {
            table[c] = CharFlags.Unescape;
            table[c + 32] = CharFlags.Unescape;
        }

        table['-'] = CharFlags.Unescape;
        table['_'] = CharFlags.Unescape;
        table['~'] = CharFlags.Unescape;
        // The dot is looked at in the loop (also as %2E); its escape is never decoded elsewhere.
        table['.'] = CharFlags.Special;
        foreach (var c in " \"#%<>?\\^`{|}")
        {
            table[c] = CharFlags.Escape;
        }

        return table;
    }
}
