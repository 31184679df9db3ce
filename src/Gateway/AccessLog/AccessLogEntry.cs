using Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Gateway.AccessLog;

/// <summary>What a finished request offers the access log's command operators.</summary>
public readonly struct AccessLogEntry
{
    public AccessLogEntry(HttpContext context, RequestState state, DateTimeOffset startTime, long durationMs, long bytesReceived, long bytesSent)
    {
        Context = context;
        State = state;
        StartTime = startTime;
        DurationMs = durationMs;
        BytesReceived = bytesReceived;
        BytesSent = bytesSent;
    }

    public HttpContext Context { get; }

    public RequestState State { get; }

    /// <summary>Wall-clock time the request started (UTC).</summary>
    public DateTimeOffset StartTime { get; }

    public long DurationMs { get; }

    public long BytesReceived { get; }

    public long BytesSent { get; }
}
