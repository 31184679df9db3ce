using System.Globalization;
using System.Text;

namespace Gateway.AccessLog;

/// <summary>A strftime format compiled into parts, as Envoy's START_TIME accepts it.</summary>
public sealed class StrftimeFormat
{
    private readonly (char Spec, int Width, string? Literal)[] _parts;

    private StrftimeFormat((char, int, string?)[] parts)
    {
        _parts = parts;
    }

    public static StrftimeFormat Compile(string format)
    {
        var parts = new List<(char, int, string?)>();
        var literal = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                literal.Append(c);
                continue;
            }

            var next = format[++i];
            var width = 0;
            if (char.IsAsciiDigit(next) && i + 1 < format.Length && format[i + 1] == 'f')
            {
                width = next - '0';
                next = format[++i];
            }

            switch (next)
            {
                case '%':
                    literal.Append('%');
                    continue;
                case 'F':
                    Flush();
                    parts.AddRange([('Y', 0, null), ('\0', 0, "-"), ('m', 0, null), ('\0', 0, "-"), ('d', 0, null)]);
                    continue;
                case 'T':
                    Flush();
                    parts.AddRange([('H', 0, null), ('\0', 0, ":"), ('M', 0, null), ('\0', 0, ":"), ('S', 0, null)]);
                    continue;
                case 'Y' or 'y' or 'm' or 'd' or 'e' or 'H' or 'I' or 'M' or 'S' or 'j' or 's' or 'z' or 'Z' or 'a' or 'A' or 'b' or 'h' or 'B' or 'p' or 'f':
                    Flush();
                    parts.Add((next, next == 'f' ? (width == 0 ? 9 : Math.Min(width, 9)) : width, null));
                    continue;
                default:
                    // Unknown specifiers are kept as written, as strftime does.
                    literal.Append('%').Append(next);
                    continue;
            }
        }

        Flush();
        return new StrftimeFormat(parts.ToArray());

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(('\0', 0, literal.ToString()));
                literal.Clear();
            }
        }
    }

    public void Append(StringBuilder text, DateTime utc)
    {
        foreach (var (spec, width, literal) in _parts)
        {
            switch (spec)
            {
                case '\0': text.Append(literal); break;
                case 'Y': text.Append(utc.Year); break;
                case 'y': Two(text, utc.Year % 100); break;
                case 'm': Two(text, utc.Month); break;
                case 'd': Two(text, utc.Day); break;
                case 'e': text.Append(utc.Day < 10 ? " " : "").Append(utc.Day); break;
                case 'H': Two(text, utc.Hour); break;
                case 'I': Two(text, utc.Hour % 12 == 0 ? 12 : utc.Hour % 12); break;
                case 'M': Two(text, utc.Minute); break;
                case 'S': Two(text, utc.Second); break;
                case 'j': text.Append(utc.DayOfYear < 100 ? (utc.DayOfYear < 10 ? "00" : "0") : "").Append(utc.DayOfYear); break;
                case 's': text.Append(new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeSeconds()); break;
                case 'z': text.Append("+0000"); break;
                case 'Z': text.Append("UTC"); break;
                case 'a': text.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(utc.DayOfWeek)); break;
                case 'A': text.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(utc.DayOfWeek)); break;
                case 'b' or 'h': text.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(utc.Month)); break;
                case 'B': text.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(utc.Month)); break;
                case 'p': text.Append(utc.Hour < 12 ? "AM" : "PM"); break;
                case 'f': Fraction(text, utc, width); break;
            }
        }
    }

    private static void Two(StringBuilder text, int value)
    {
        if (value < 10)
        {
            text.Append('0');
        }

        text.Append(value);
    }

    /// <summary>The first <paramref name="width"/> digits of the nanoseconds (the clock has 100 ns ticks).</summary>
    private static void Fraction(StringBuilder text, DateTime utc, int width)
    {
        var nanos = utc.Ticks % TimeSpan.TicksPerSecond * 100;
        var divisor = 100_000_000L;
        for (var i = 0; i < width; i++)
        {
            text.Append((char)('0' + nanos / divisor % 10));
            divisor /= 10;
        }
    }
}
