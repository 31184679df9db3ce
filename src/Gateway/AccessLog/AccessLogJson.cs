using System.Text;

namespace Gateway.AccessLog;

/// <summary>JSON string escaping for access log lines, and which segments need byte counting.</summary>
internal static class AccessLogJson
{
    public static bool UsesBytes(AccessLogSegment segment) =>
        segment is FieldSegment { Field: AccessLogField.BytesReceived or AccessLogField.BytesSent }
        || (segment is TruncatingSegment truncating && UsesBytes(truncating.Inner));

    public static string Quote(string value)
    {
        var text = new StringBuilder();
        AppendString(text, new StringBuilder(value));
        return text.ToString();
    }

    public static void AppendString(StringBuilder text, StringBuilder value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
