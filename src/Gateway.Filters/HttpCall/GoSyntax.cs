using System.Globalization;
using System.Text;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// Renders values the way wasm-go's log lines print them with Go's fmt verbs, so log scrapers written
/// for the .wasm plugin keep matching.
/// </summary>
internal static class GoSyntax
{
    /// <summary>Go's <c>%#v</c> of a <c>[][2]string</c>: <c>[][2]string{[2]string{"a", "b"}}</c>.</summary>
    public static string HeaderPairs(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var builder = new StringBuilder("[][2]string{");
        var first = true;
        foreach (var (name, value) in headers)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            builder.Append("[2]string{");
            Quote(builder, name);
            builder.Append(", ");
            Quote(builder, value);
            builder.Append('}');
        }

        return builder.Append('}').ToString();
    }

    /// <summary>wasm-go writes bodies with <c>strings.ReplaceAll(body, "\n", `\n`)</c>: one log line per message.</summary>
    public static string EscapeNewlines(string text) =>
        text.Contains('\n', StringComparison.Ordinal) ? text.Replace("\n", "\\n", StringComparison.Ordinal) : text;

    /// <summary>Go's <c>strconv.Quote</c> for the characters that occur in header names and values.</summary>
    private static void Quote(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || c == 0x7F)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
