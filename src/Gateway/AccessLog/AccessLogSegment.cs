using System.Text;

namespace Gateway.AccessLog;

/// <summary>One compiled piece of an access log format: literal text or a command operator.</summary>
public abstract class AccessLogSegment
{
    /// <summary>Operators whose value is a number: json_format writes them unquoted, as Envoy does.</summary>
    public virtual bool IsNumeric => false;

    /// <summary>Literal text (never absent) rather than a command operator.</summary>
    public virtual bool IsLiteral => false;

    /// <summary>Appends the value; false (nothing appended) when the value is absent, which prints as <c>-</c>.</summary>
    public abstract bool Append(StringBuilder text, in AccessLogEntry entry);
}
