using System.Text;
using System.Threading.Channels;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;
using Microsoft.Extensions.Logging;

namespace Gateway.AccessLog;

/// <summary>
/// Writes access log lines off the request path: requests format their line and enqueue it to a
/// bounded channel; one background task writes to the sinks and flushes whenever the queue runs dry.
/// Shutdown completes the channel and waits until every queued line is written. Sinks are shared
/// by all listeners and outlive reloads (one file is opened once).
/// </summary>
public sealed partial class AccessLogService : IAsyncDisposable, IReportsStats
{
    /// <summary>Queue bound: beyond this many unwritten lines a request drops its line rather than wait.</summary>
    public const int Capacity = 64 * 1024;

    private readonly Channel<(AccessLogSinkTarget Sink, string Line)> _queue =
        Channel.CreateBounded<(AccessLogSinkTarget, string)>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    private readonly Dictionary<string, AccessLogSinkTarget> _sinks = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly Task _writer;
    private int _disposed;

    private long _writeBuffered;
    private long _writeCompleted;
    private long _writeFailed;
    private long _dropped;

    public AccessLogService(ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("file");
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Compiles a listener's access_log entries (once per config load). Throws
    /// <see cref="ConfigException"/> naming the format for an unknown operator or an unopenable file.
    /// </summary>
    public ListenerAccessLog? Compile(ListenerConfig listener, string sourceFile, HttpConnectionManagerConfig? http = null)
    {
        var configs = (http ?? listener.Http)?.AccessLogs ?? [];
        if (configs.Count == 0)
        {
            return null;
        }

        var entries = new List<(IAccessLogFormatter, AccessLogSinkTarget, Func<AccessLogFilterInput, bool>?)>();
        var diagnostics = new List<ConfigDiagnostic>();
        for (var i = 0; i < configs.Count; i++)
        {
            var config = configs[i];
            var path = $"{listener.YamlPath}.filter_chains[0].filters[0].typed_config.access_log[{i}]";
            try
            {
                IAccessLogFormatter formatter = config.JsonFormat is { } json
                    ? new JsonAccessLogFormatter(json)
                    : new TextAccessLogFormatter(config.TextFormat ?? AccessLogFormatParser.DefaultFormat);
                entries.Add((formatter, SinkFor(config), config.Filter is { } filter ? AccessLogFilterCompiler.Compile(filter) : null));
            }
            catch (AccessLogFormatException e)
            {
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticKind.Error, sourceFile, path + ".typed_config.log_format", 0, 0,
                    e.Message + "; fix the format or remove the operator"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticKind.Error, sourceFile, path + ".typed_config.path", 0, 0,
                    $"cannot open access log file '{config.Path}': {e.Message}; create its directory or choose a writable path"));
            }
        }

        if (diagnostics.Count > 0)
        {
            throw new ConfigException(diagnostics);
        }

        return new ListenerAccessLog(this, entries.ToArray());
    }

    /// <summary>
    /// Checks every access log format of a config without opening any file, for <c>--mode validate</c>;
    /// throws <see cref="ConfigException"/> naming each bad format.
    /// </summary>
    public static void Validate(BootstrapConfig config)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        foreach (var listener in config.Listeners)
        {
            var logs = listener.FilterChains.Select(c => c.Http).Append(listener.DefaultFilterChain?.Http).Append(listener.Http)
                .OfType<HttpConnectionManagerConfig>().Distinct().SelectMany(h => h.AccessLogs).ToList();
            for (var i = 0; i < logs.Count; i++)
            {
                var log = logs[i];
                try
                {
                    _ = log.JsonFormat is { } json
                        ? new JsonAccessLogFormatter(json)
                        : (IAccessLogFormatter)new TextAccessLogFormatter(log.TextFormat ?? AccessLogFormatParser.DefaultFormat);
                }
                catch (AccessLogFormatException e)
                {
                    diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticKind.Error, config.SourceFile,
                        $"{listener.YamlPath}.filter_chains[0].filters[0].typed_config.access_log[{i}].typed_config.log_format", 0, 0,
                        e.Message + "; fix the format or remove the operator"));
                }
            }

            try
            {
                foreach (var http in listener.FilterChains.Select(c => c.Http).Append(listener.DefaultFilterChain?.Http).Append(listener.Http)
                    .OfType<HttpConnectionManagerConfig>().Distinct())
                {
                    _ = Proxy.LocalReplyMapper.Create(http.LocalReply);
                }
            }
            catch (AccessLogFormatException e)
            {
                diagnostics.Add(new ConfigDiagnostic(ConfigDiagnosticKind.Error, config.SourceFile,
                    $"{listener.YamlPath}.filter_chains[0].filters[0].typed_config.local_reply_config", 0, 0,
                    e.Message + "; fix the format or remove the operator"));
            }
        }

        if (diagnostics.Count > 0)
        {
            throw new ConfigException(diagnostics);
        }
    }

    internal AccessLogSinkTarget SinkFor(AccessLogConfig config)
    {
        var key = config.Sink switch
        {
            AccessLogSink.Stdout => "stdout",
            AccessLogSink.Stderr => "stderr",
            _ => Path.GetFullPath(config.Path ?? "/dev/stdout"),
        };
        lock (_sinks)
        {
            if (!_sinks.TryGetValue(key, out var sink))
            {
                sink = config.Sink switch
                {
                    AccessLogSink.Stdout => AccessLogSinkTarget.Stdout(),
                    AccessLogSink.Stderr => AccessLogSinkTarget.Stderr(),
                    _ => AccessLogSinkTarget.File(key),
                };
                _sinks[key] = sink;
            }

            return sink;
        }
    }

    /// <summary>Queues a line; never blocks. A full queue drops the line and counts it.</summary>
    internal void Enqueue(AccessLogSinkTarget sink, string line)
    {
        if (_queue.Writer.TryWrite((sink, line)))
        {
            Interlocked.Increment(ref _writeBuffered);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteLoopAsync()
    {
        var dirty = new HashSet<AccessLogSinkTarget>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    item.Sink.Write(item.Line);
                    dirty.Add(item.Sink);
                    Interlocked.Increment(ref _writeCompleted);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    Interlocked.Increment(ref _writeFailed);
                    Log.WriteFailed(_logger, item.Sink.Key, e.Message);
                }
            }

            // The queue ran dry: make what was written visible (tests and `tail -f` read the file).
            foreach (var sink in dirty)
            {
                try
                {
                    sink.Flush();
                }
                catch (IOException e)
                {
                    Interlocked.Increment(ref _writeFailed);
                    Log.WriteFailed(_logger, sink.Key, e.Message);
                }
            }

            dirty.Clear();
        }
    }

    public void ReportStats(IStatsWriter writer)
    {
        writer.Counter("access_logs.write_buffered", ref _writeBuffered);
        writer.Counter("access_logs.write_completed", ref _writeCompleted);
        writer.Counter("access_logs.write_failed", ref _writeFailed);
        writer.Counter("access_logs.dropped_queue_full", ref _dropped);
    }

    /// <summary>Writes every queued line, then closes the files. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        lock (_sinks)
        {
            foreach (var sink in _sinks.Values)
            {
                try
                {
                    sink.Dispose();
                }
                catch (IOException)
                {
                }
            }

            _sinks.Clear();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "access log {Sink}: write failed: {Reason}")]
        public static partial void WriteFailed(ILogger logger, string sink, string reason);
    }
}
