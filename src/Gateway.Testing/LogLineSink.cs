using System.Collections.Concurrent;
using Gateway.Logging;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Testing;

/// <summary>Keeps each log line in Envoy's text shape, for a test to assert on.</summary>
internal sealed class LogLineSink : ILogEventSink
{
    private readonly EnvoyLogFormatter _formatter = new(EnvoyLogFormatter.DefaultPattern, colour: false);

    public ConcurrentQueue<string> Lines { get; } = new();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        Lines.Enqueue(writer.ToString().TrimEnd('\n'));
    }
}
