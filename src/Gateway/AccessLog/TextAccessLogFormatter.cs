using System.Text;

namespace Gateway.AccessLog;

/// <summary>text_format (and Envoy's default): segments in order, an absent value printed as <c>-</c>.</summary>
public sealed class TextAccessLogFormatter : IAccessLogFormatter
{
    private readonly AccessLogSegment[] _segments;

    public TextAccessLogFormatter(string format)
    {
        _segments = AccessLogFormatParser.Parse(format);
        CountsBytes = _segments.Any(AccessLogJson.UsesBytes);
    }

    public bool CountsBytes { get; }

    public void Format(StringBuilder text, in AccessLogEntry entry)
    {
        foreach (var segment in _segments)
        {
            if (!segment.Append(text, entry))
            {
                text.Append('-');
            }
        }
    }
}
