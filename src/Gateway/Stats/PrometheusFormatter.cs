using System.Globalization;
using System.Text;

namespace Gateway.Stats;

/// <summary>
/// Envoy's /stats/prometheus text: the tag-extracted name prefixed <c>envoy_</c> with every character
/// outside [a-zA-Z0-9_] made <c>_</c>, one <c># TYPE</c> line per metric, then one line per tag set.
/// </summary>
public static class PrometheusFormatter
{
    public static string Format(IEnumerable<StatSample> samples)
    {
        var text = new StringBuilder();
        var groups = samples
            .GroupBy(s => MetricName(s.TagExtractedName))
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var kind = group.First().Kind;
            text.Append("# TYPE ").Append(group.Key).Append(kind == StatKind.Counter ? " counter\n" : " gauge\n");
            foreach (var sample in group.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                text.Append(group.Key);
                if (sample.Tags.Length > 0)
                {
                    text.Append('{');
                    for (var i = 0; i < sample.Tags.Length; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        text.Append(Sanitize(sample.Tags[i].Name)).Append("=\"");
                        AppendEscaped(text, sample.Tags[i].Value);
                        text.Append('"');
                    }

                    text.Append('}');
                }

                text.Append(' ').Append(sample.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <remarks>Wasm plugin metrics (<c>wasmcustom.*</c>) are a custom namespace in Envoy: shown without the prefix and without <c>envoy_</c>.</remarks>
    public static string MetricName(string tagExtractedName) =>
        tagExtractedName.StartsWith(WasmCustomPrefix, StringComparison.Ordinal)
            ? Sanitize(tagExtractedName[WasmCustomPrefix.Length..])
            : "envoy_" + Sanitize(tagExtractedName);

    private const string WasmCustomPrefix = "wasmcustom.";

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static void AppendEscaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append("\\n"); break;
                default: text.Append(c); break;
            }
        }
    }
}
