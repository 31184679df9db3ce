namespace Gateway.AccessLog;

/// <summary>An access log format that cannot be compiled (unknown or malformed command operator).</summary>
public sealed class AccessLogFormatException : Exception
{
    public AccessLogFormatException(string message)
        : base(message)
    {
    }
}
