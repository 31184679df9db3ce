using System.Text;

namespace Gateway.AccessLog;

/// <summary>
/// json_format: one JSON object per line, keys in sorted order (Envoy builds it from a protobuf
/// Struct). A value that is exactly one operator keeps its type: numbers unquoted, absent values
/// null; a value mixing text and operators is a string with <c>-</c> for absent parts.
/// </summary>
public sealed class JsonAccessLogFormatter : IAccessLogFormatter
{
    private readonly (string Key, AccessLogSegment[] Segments)[] _fields;

    [ThreadStatic]
    private static StringBuilder? t_scratch;

    public JsonAccessLogFormatter(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        _fields = fields
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => (AccessLogJson.Quote(f.Key), AccessLogFormatParser.Parse(f.Value)))
            .ToArray();
        CountsBytes = _fields.Any(f => f.Segments.Any(AccessLogJson.UsesBytes));
    }

    public bool CountsBytes { get; }

    public void Format(StringBuilder text, in AccessLogEntry entry)
    {
        var scratch = t_scratch ??= new StringBuilder(256);
        text.Append('{');
        for (var f = 0; f < _fields.Length; f++)
        {
            var (key, segments) = _fields[f];
            if (f > 0)
            {
                text.Append(',');
            }

            text.Append(key).Append(':');
            scratch.Clear();
            if (segments.Length == 1 && !segments[0].IsLiteral)
            {
                var segment = segments[0];
                if (!segment.Append(scratch, entry))
                {
                    text.Append("null");
                }
                else if (segment.IsNumeric)
                {
                    text.Append(scratch);
                }
                else
                {
                    AccessLogJson.AppendString(text, scratch);
                }

                continue;
            }

            foreach (var segment in segments)
            {
                if (!segment.Append(scratch, entry))
                {
                    scratch.Append('-');
                }
            }

            AccessLogJson.AppendString(text, scratch);
        }

        text.Append("}\n");
    }
}
