using System.Diagnostics;
using System.Text;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Gateway.AccessLog;

/// <summary>
/// The access logs of one listener's HCM, compiled once per config load. On completion a request
/// formats its line(s) here and hands them to the background writer.
/// </summary>
public sealed class ListenerAccessLog
{
    private readonly AccessLogService _service;
    private readonly (IAccessLogFormatter Formatter, AccessLogSinkTarget Sink, Func<AccessLogFilterInput, bool>? Filter)[] _entries;

    [ThreadStatic]
    private static StringBuilder? t_line;

    internal ListenerAccessLog(AccessLogService service, (IAccessLogFormatter, AccessLogSinkTarget, Func<AccessLogFilterInput, bool>?)[] entries)
    {
        _service = service;
        _entries = entries;
        CountsBytes = entries.Any(e => e.Item1.CountsBytes);
    }

    public bool CountsBytes { get; }

    /// <summary>Called as the request starts: attaches byte counting when a format needs it.</summary>
    public AccessLogByteCounter? Begin(HttpContext context) => CountsBytes ? AccessLogByteCounter.Attach(context) : null;

    /// <summary>Called once the response is done: formats and queues one line per access_log entry.</summary>
    public void Complete(HttpContext context, RequestState state, AccessLogByteCounter? counter)
    {
        var elapsed = Stopwatch.GetElapsedTime(state.StartTimestamp);
        var entry = new AccessLogEntry(
            context,
            state,
            DateTimeOffset.UtcNow - elapsed,
            (long)elapsed.TotalMilliseconds,
            counter?.BytesReceived ?? context.Request.ContentLength ?? 0,
            counter?.BytesSent ?? context.Response.ContentLength ?? 0);
        var line = t_line ??= new StringBuilder(512);
        foreach (var (formatter, sink, filter) in _entries)
        {
            if (filter is not null && !filter(new AccessLogFilterInput(state, context.Response.StatusCode, entry.DurationMs, state.ResponseFlags)))
            {
                continue;
            }

            line.Clear();
            formatter.Format(line, entry);
            _service.Enqueue(sink, line.ToString());
        }

        if (line.Capacity > 16 * 1024)
        {
            t_line = null;
        }
    }
}
