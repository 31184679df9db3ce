using System.Text;

namespace Gateway.AccessLog;

/// <summary>Text between command operators, copied as is.</summary>
public sealed class LiteralSegment : AccessLogSegment
{
    public LiteralSegment(string text)
    {
        Text = text;
    }

    public string Text { get; }

    public override bool IsLiteral => true;

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        text.Append(Text);
        return true;
    }
}
