using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Tests.Support;

/// <summary>The gateway's log events, kept for assertions (GatewayOptions.LogSinks; the gateway then runs in-process).</summary>
public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Each event at error level or above, rendered with its exception's first line.</summary>
    public string[] Errors => [.. _events.Where(e => e.Level >= LogEventLevel.Error).Select(e => $"{e.RenderMessage()} {e.Exception?.GetType().Name}: {e.Exception?.Message}")];
}
