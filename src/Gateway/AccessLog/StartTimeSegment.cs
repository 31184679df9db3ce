using System.Text;

namespace Gateway.AccessLog;

/// <summary>
/// <c>%START_TIME%</c> (Envoy's default <c>2018-11-23T04:51:00.281Z</c>, UTC) or
/// <c>%START_TIME(strftime format)%</c>, with Envoy's <c>%f</c> / <c>%3f</c> .. <c>%9f</c> fractional
/// seconds and <c>%s</c> epoch seconds. The format is compiled once; formatting appends without allocating.
/// </summary>
public sealed class StartTimeSegment : AccessLogSegment
{
    private readonly StrftimeFormat _format;

    public StartTimeSegment(string? format)
    {
        _format = StrftimeFormat.Compile(string.IsNullOrEmpty(format) ? "%Y-%m-%dT%H:%M:%S.%3fZ" : format);
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry)
    {
        _format.Append(text, entry.StartTime.UtcDateTime);
        return true;
    }
}
