using Gateway.Cli;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Gateway.Logging;

/// <summary>Builds the Serilog logger for the gateway's own logs in Envoy's shape (or JSON lines).</summary>
public static class GatewayLogging
{
    /// <summary>Above Fatal: Serilog has no "off", and a level past its highest disables a category entirely.</summary>
    private const LogEventLevel Off = (LogEventLevel)((int)LogEventLevel.Fatal + 1);

    public static Serilog.ILogger Create(GatewayOptions options) => Create(options, out _);

    /// <summary>Builds the logger and the level switches the admin's /logging changes at run time.</summary>
    public static Serilog.ILogger Create(GatewayOptions options, out LogLevels levels)
    {
        levels = new LogLevels(options.LogLevel, options.ComponentLogLevels);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levels.Default)
            // ASP.NET's own chatter (hosting, routing) is not part of Envoy's output.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            // Off, not just quiet: while this category is enabled at any level ASP.NET starts an
            // Activity and a log scope for every request (~700 B each), which Envoy's users never see.
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", Off)
            // A failed start (e.g. a port in use) is reported by Program as one line; the host's own
            // "Hosting failed to start" would add a stack trace for a user mistake.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", Off)
            .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.With(new EnvoyLogEnricher());
        // YARP's forwarder reports every failed request (an upstream that refused the connection, a client gone
        // mid-body) as a warning with the exception's stack trace; Envoy logs those at debug, and so does the
        // router's own one-line "upstream request ... failed" here. YARP's lines show only while router is at debug:
        // its level follows router's (off above debug, so YARP does not build them at all).
        var router = levels.Components["router"];
        var forwarder = new LoggingLevelSwitch(ForwarderLevel(router.MinimumLevel));
        router.MinimumLevelChanged += (_, e) => forwarder.MinimumLevel = ForwarderLevel(e.NewLevel);
        configuration = configuration.MinimumLevel.Override("Yarp.ReverseProxy.Forwarder", forwarder);
        // Kestrel warns that a cleartext HTTP/1-and-2 endpoint will use HTTP/1.1 only: not so here, each connection
        // is told by its first bytes (Codec.H2cPriorKnowledge).
        configuration = configuration.Filter.ByExcluding(IsKestrelCleartextHttp2Warning);
        foreach (var (component, levelSwitch) in levels.Components)
        {
            configuration = configuration.MinimumLevel.Override(component, levelSwitch);
        }

        // Envoy logs to stderr (or to --log-path); stdout stays for what a command prints (validate, --version).
        var toFile = !string.IsNullOrEmpty(options.LogPath);
        ITextFormatter formatter = options.JsonLogs
            ? new JsonLogFormatter()
            : new EnvoyLogFormatter(options.LogFormat ?? EnvoyLogFormatter.DefaultPattern, EnvoyLogFormatter.ShouldColour(toFile));
        if (options.WriteLog)
        {
            configuration = toFile
                ? configuration.WriteTo.File(formatter, options.LogPath!, shared: true)
                : configuration.WriteTo.Console(formatter, standardErrorFromLevel: LogEventLevel.Verbose);
        }

        foreach (var sink in options.LogSinks)
        {
            configuration = configuration.WriteTo.Sink(sink);
        }
        return configuration.CreateLogger();
    }

    private static LogEventLevel ForwarderLevel(LogEventLevel router) => router <= LogEventLevel.Debug ? LogEventLevel.Warning : Off;

    private static bool IsKestrelCleartextHttp2Warning(LogEvent logEvent) =>
        logEvent.Level == LogEventLevel.Warning
        && logEvent.Properties.TryGetValue("EventId", out var id)
        && id is StructureValue { Properties: var fields }
        && fields.Any(f => f is { Name: "Name", Value: ScalarValue { Value: "Http2DisabledWithHttp1AndNoTls" } });
}
