using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Logging;

/// <summary>
/// Adds the fields of Envoy's log line shape, <c>[time][thread][level][component] message</c>:
/// the thread id, Envoy's level word, and the component (the logger category for the gateway's own
/// short categories such as <c>wasm</c>, <c>router</c>, <c>admin</c>; <c>main</c> for everything else).
/// </summary>
internal sealed class EnvoyLogEnricher : ILogEventEnricher
{
    private static readonly LogEventProperty[] Levels =
    [
        new("EnvoyLevel", new ScalarValue("trace")),
        new("EnvoyLevel", new ScalarValue("debug")),
        new("EnvoyLevel", new ScalarValue("info")),
        new("EnvoyLevel", new ScalarValue("warning")),
        new("EnvoyLevel", new ScalarValue("error")),
        new("EnvoyLevel", new ScalarValue("critical")),
    ];

    private readonly ConcurrentDictionary<string, LogEventProperty> _components = new(StringComparer.Ordinal);
    private readonly LogEventProperty _main = new("Component", new ScalarValue("main"));

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        logEvent.AddPropertyIfAbsent(Levels[(int)logEvent.Level]);
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("ThreadId", Environment.CurrentManagedThreadId));
        var component = _main;
        if (logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string category })
        {
            component = _components.GetOrAdd(category, static c =>
                new LogEventProperty("Component", new ScalarValue(c.Contains('.') ? "main" : c)));
        }

        logEvent.AddPropertyIfAbsent(component);
    }
}
