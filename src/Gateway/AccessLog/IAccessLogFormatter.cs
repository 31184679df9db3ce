using System.Text;

namespace Gateway.AccessLog;

/// <summary>A compiled log_format: writes one access log line (with its newline, if the format has one).</summary>
public interface IAccessLogFormatter
{
    /// <summary>True when %BYTES_RECEIVED% or %BYTES_SENT% is used, so bodies must be counted.</summary>
    bool CountsBytes { get; }

    void Format(StringBuilder text, in AccessLogEntry entry);
}
