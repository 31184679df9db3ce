using System.Text;

namespace Gateway.AccessLog;

/// <summary>An operator with Envoy's <c>:N</c> suffix: its value cut to at most N characters.</summary>
public sealed class TruncatingSegment : AccessLogSegment
{
    private readonly AccessLogSegment _inner;
    private readonly int _maxLength;

    public TruncatingSegment(AccessLogSegment inner, int maxLength)
    {
        _inner = inner;
        _maxLength = maxLength;
    }

    public AccessLogSegment Inner => _inner;

    public override bool IsNumeric => _inner.IsNumeric;

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        var start = text.Length;
        if (!_inner.Append(text, entry))
        {
            return false;
        }

        if (text.Length - start > _maxLength)
        {
            text.Length = start + _maxLength;
        }

        return true;
    }
}
