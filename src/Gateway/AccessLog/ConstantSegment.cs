using System.Text;

namespace Gateway.AccessLog;

/// <summary>An operator whose value is fixed at load (<c>%HOSTNAME%</c>, <c>%ENVIRONMENT(X)%</c>); null prints as absent.</summary>
public sealed class ConstantSegment : AccessLogSegment
{
    private readonly string? _value;

    public ConstantSegment(string? value)
    {
        _value = string.IsNullOrEmpty(value) ? null : value;
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        if (_value is null)
        {
            return false;
        }

        text.Append(_value);
        return true;
    }
}
