using System.Globalization;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Gateway.Logging;

/// <summary>
/// Writes log lines in an Envoy <c>--log-format</c> pattern (spdlog's flags plus Envoy's <c>%_</c> and
/// <c>%j</c>), compiled once: <c>%Y-%m-%d %T.%e</c> time, <c>%t</c> thread, <c>%l</c>/<c>%L</c> level,
/// <c>%n</c> logger (component), <c>%v</c> message, <c>%P</c> pid, widths such as <c>%-8l</c>, and
/// <c>%^</c>..<c>%$</c> for the coloured range (colour only when writing to a terminal).
/// </summary>
public sealed class EnvoyLogFormatter : ITextFormatter
{
    /// <summary>Envoy's default <c>--log-format</c>, without the source location this gateway does not have.</summary>
    public const string DefaultPattern = "[%Y-%m-%d %T.%e][%t][%l][%n] %v";

    private delegate void Part(LogEvent logEvent, StringBuilder line);

    private readonly Part[] _parts;
    private readonly bool _colour;
    private readonly bool _hasColourRange;

    public EnvoyLogFormatter(string pattern, bool colour)
    {
        Pattern = pattern;
        _colour = colour;
        _hasColourRange = pattern.Contains("%^", StringComparison.Ordinal);
        _parts = Compile(pattern);
    }

    public string Pattern { get; }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var line = new StringBuilder(160);
        foreach (var part in _parts)
        {
            part(logEvent, line);
        }

        if (logEvent.Exception is { } exception)
        {
            line.Append('\n').Append(exception);
        }

        line.Append('\n');
        output.Write(line.ToString());
    }

    private Part[] Compile(string pattern)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%' || i + 1 >= pattern.Length)
            {
                literal.Append(pattern[i]);
                continue;
            }

            // Optional alignment and width: %8l, %-8l, %=8l.
            var j = i + 1;
            var align = '\0';
            if (pattern[j] is '-' or '=')
            {
                align = pattern[j++];
            }

            var widthStart = j;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }

            var width = j > widthStart ? int.Parse(pattern.AsSpan(widthStart, j - widthStart), CultureInfo.InvariantCulture) : 0;
            if (j >= pattern.Length)
            {
                literal.Append(pattern, i, pattern.Length - i);
                break;
            }

            var flag = Flag(pattern[j]);
            if (flag is null)
            {
                // spdlog prints an unknown flag as it is.
                literal.Append(pattern, i, j - i + 1);
                i = j;
                continue;
            }

            if (literal.Length > 0)
            {
                var text = literal.ToString();
                parts.Add((_, line) => line.Append(text));
                literal.Clear();
            }

            parts.Add(width == 0 ? flag : Padded(flag, width, align));
            i = j;
        }

        if (literal.Length > 0)
        {
            var text = literal.ToString();
            parts.Add((_, line) => line.Append(text));
        }

        return [.. parts];
    }

    private static Part Padded(Part inner, int width, char align) => (logEvent, line) =>
    {
        var start = line.Length;
        inner(logEvent, line);
        var pad = width - (line.Length - start);
        if (pad <= 0)
        {
            return;
        }

        switch (align)
        {
            case '-':
                line.Append(' ', pad);
                break;
            case '=':
                line.Insert(start, " ", pad / 2).Append(' ', pad - pad / 2);
                break;
            default:
                line.Insert(start, " ", pad);
                break;
        }
    };

    private Part? Flag(char flag) => flag switch
    {
        'v' => static (e, line) => line.Append(MessageRenderer.Render(e)),
        '_' => static (e, line) => line.Append(MessageRenderer.Render(e).Replace("\n", "\\n", StringComparison.Ordinal)),
        'j' => static (e, line) => line.Append(JsonEncodedText.Encode(MessageRenderer.Render(e), System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString()),
        't' => static (e, line) => line.Append(Property(e, "ThreadId")),
        'P' => static (_, line) => line.Append(Environment.ProcessId),
        'n' => static (e, line) => line.Append(Property(e, "Component")),
        'l' => _colour && !_hasColourRange ? (e, line) => Coloured(e, line, Property(e, "EnvoyLevel")) : static (e, line) => line.Append(Property(e, "EnvoyLevel")),
        'L' => static (e, line) => line.Append(char.ToUpperInvariant(Property(e, "EnvoyLevel")[0])),
        '^' => _colour ? static (e, line) => line.Append(ColourOf(e.Level)) : static (_, _) => { },
        '$' => _colour ? static (_, line) => line.Append(Reset) : static (_, _) => { },
        '%' => static (_, line) => line.Append('%'),
        'Y' => Time("yyyy"),
        'C' => Time("yy"),
        'm' => Time("MM"),
        'd' => Time("dd"),
        'H' => Time("HH"),
        'I' => Time("hh"),
        'M' => Time("mm"),
        'S' => Time("ss"),
        'e' => Time("fff"),
        'f' => Time("ffffff"),
        'F' => static (e, line) => line.Append((e.Timestamp.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture)),
        'p' => Time("tt"),
        'T' or 'X' => Time("HH:mm:ss"),
        'R' => Time("HH:mm"),
        'r' => Time("hh:mm:ss tt"),
        'D' or 'x' => Time("MM/dd/yy"),
        'a' => Time("ddd"),
        'A' => Time("dddd"),
        'b' or 'h' => Time("MMM"),
        'B' => Time("MMMM"),
        'c' => Time("ddd MMM d HH:mm:ss yyyy"),
        'z' => Time("zzz"),
        'E' => static (e, line) => line.Append(e.Timestamp.ToUnixTimeSeconds()),
        // Source locations: this gateway's log events do not carry them; spdlog prints nothing then.
        's' or 'g' or '#' or '!' or '@' => static (_, _) => { },
        _ => null,
    };

    private static Part Time(string format) => (e, line) => line.Append(e.Timestamp.ToString(format, CultureInfo.InvariantCulture));

    private static string Property(LogEvent logEvent, string name) =>
        logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: { } scalar }
            ? Convert.ToString(scalar, CultureInfo.InvariantCulture) ?? ""
            : "";

    private const string Reset = "\u001b[0m";

    private static string ColourOf(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "\u001b[37m",
        LogEventLevel.Debug => "\u001b[36m",
        LogEventLevel.Information => "\u001b[32m",
        LogEventLevel.Warning => "\u001b[33m\u001b[1m",
        LogEventLevel.Error => "\u001b[31m\u001b[1m",
        _ => "\u001b[1m\u001b[41m",
    };

    private static void Coloured(LogEvent logEvent, StringBuilder line, string text) =>
        line.Append(ColourOf(logEvent.Level)).Append(text).Append(Reset);

    /// <summary>Colour when the line goes to a terminal, as spdlog's colour sink does; never to a pipe or file, or under NO_COLOR.</summary>
    public static bool ShouldColour(bool toFile) =>
        !toFile && !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";
}
