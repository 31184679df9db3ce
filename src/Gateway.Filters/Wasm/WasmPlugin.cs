using System.Collections.Concurrent;
using Gateway.Clusters.Table;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.Wasm;

/// <summary>
/// A running plugin: its compiled code, a small pool of long-lived instances (a request is pinned to
/// one; Envoy keeps one per worker), the VM's shared data, queues and metrics, its log, and its failure
/// state. Once an instance traps, requests follow the failure policy: FAIL_CLOSED answers 503 and
/// FAIL_OPEN skips the plugin from then on (the VM is not recreated, as in Envoy); FAIL_RELOAD answers 503
/// until a fresh pool starts after a backoff.
/// </summary>
internal sealed partial class WasmPlugin : IDisposable
{
    private static int _nextRootContextId;

    private readonly WasmInstance?[] _pool;
    private readonly object _poolGate = new();
    private readonly ConcurrentQueue<(LogLevel Level, string Text)>? _earlyLog = new();
    private readonly string _logPrefix;
    private ILogger? _logger;
    private uint _next;
    private int _nextToken;
    private volatile bool _failed;
    private DateTime _reloadAt;
    private TimeSpan _backoff;
    private bool _active;
    private bool _disposed;
    private ClusterTable? _lastTable;

    /// <summary>Starts the first instance; throws <see cref="WasmLoadException"/> when the plugin does not start.</summary>
    public WasmPlugin(WasmPluginSettings settings, WasmCode code)
    {
        Settings = settings;
        Code = code;
        var vmKey = settings.VmId + "\0" + code.Hash;
        Shared = WasmSharedState.For(vmKey);
        Metrics = WasmMetrics.For(vmKey);
        _pool = new WasmInstance?[settings.PoolSize];
        _backoff = settings.ReloadBaseInterval;
        _logPrefix = "wasm log" + Part(settings.PluginName) + Part(settings.RootId) + Part(settings.VmId) + ": ";
        _pool[0] = new WasmInstance(this);

        static string Part(string s) => s.Length == 0 ? "" : " " + s;
    }

    public WasmPluginSettings Settings { get; }

    public WasmCode Code { get; }

    public WasmSharedState Shared { get; }

    public WasmMetrics Metrics { get; }

    /// <summary>The cluster table of the latest request, for callouts made from the root context (ticks, queues).</summary>
    public ClusterTable? LastClusterTable => Volatile.Read(ref _lastTable);

    public bool IsFailed => _failed;

    /// <summary>True once the filter serves (ticks run only then, so a plugin loaded by a config that is refused never ticks).</summary>
    public bool IsActive => _active;

    /// <summary>proxy_get_log_level: the most verbose level the wasm log component writes now.</summary>
    public int LogLevel
    {
        get
        {
            var logger = _logger;
            if (logger is null)
            {
                return 2;
            }

            for (var level = 0; level < 5; level++)
            {
                if (logger.IsEnabled((LogLevel)level))
                {
                    return level;
                }
            }

            return 5;
        }
    }

    public static int NextRootContextId() => Interlocked.Add(ref _nextRootContextId, 1_000_000) + 1;

    public int NextToken() => Interlocked.Increment(ref _nextToken);

    /// <summary>Called when the filter is built for serving: plugin logs go to the real logger, ticks start.</summary>
    public void Activate(ILogger logger)
    {
        lock (_poolGate)
        {
            _logger = logger;
            while (_earlyLog!.TryDequeue(out var entry))
            {
                Write(entry.Level, entry.Text);
            }

            _active = true;
            foreach (var instance in _pool)
            {
                instance?.StartTicks();
            }
        }
    }

    public void NoteTable(ClusterTable table)
    {
        if (!ReferenceEquals(Volatile.Read(ref _lastTable), table))
        {
            Volatile.Write(ref _lastTable, table);
        }
    }

    /// <summary>The instance a new request is pinned to, or null while the plugin is failed.</summary>
    public WasmInstance? Pick()
    {
        if (_failed && !TryReload())
        {
            return null;
        }

        var slot = (int)(Interlocked.Increment(ref _next) % (uint)_pool.Length);
        var instance = Volatile.Read(ref _pool[slot]);
        if (instance is { Failed: false })
        {
            return instance;
        }

        lock (_poolGate)
        {
            instance = _pool[slot];
            if (instance is { Failed: false })
            {
                return instance;
            }

            try
            {
                instance = new WasmInstance(this);
                if (_active)
                {
                    instance.StartTicks();
                }

                Volatile.Write(ref _pool[slot], instance);
                return instance;
            }
            catch (WasmLoadException e)
            {
                Log.StartFailed(LoggerOrNull, Settings.PluginName, Settings.CodeSource, e.Message);
                Fail();
                return null;
            }
        }
    }

    private bool TryReload()
    {
        if (Settings.FailurePolicy != WasmFailurePolicy.FailReload || DateTime.UtcNow < _reloadAt)
        {
            return false;
        }

        lock (_poolGate)
        {
            if (!_failed)
            {
                return true;
            }

            if (DateTime.UtcNow < _reloadAt)
            {
                return false;
            }

            for (var i = 0; i < _pool.Length; i++)
            {
                if (_pool[i] is { Failed: true } dead)
                {
                    dead.StopTicks();
                    _pool[i] = null;
                }
            }

            _failed = false;
            _backoff = Settings.ReloadBaseInterval;
            Log.Reloaded(LoggerOrNull, Settings.PluginName, Settings.CodeSource);
            return true;
        }
    }

    /// <summary>An instance trapped: log it as Envoy does and put the plugin into its failure state.</summary>
    public void OnTrap(WasmInstance instance, WasmTrapException e)
    {
        instance.StopTicks();
        if (e.FailedEarlier)
        {
            Fail();
            return;
        }

        Log.Trapped(LoggerOrNull, Settings.PluginName, Settings.CodeSource, e.Message, Settings.FailurePolicy.ToString());
        Fail();
    }

    private void Fail()
    {
        lock (_poolGate)
        {
            if (!_failed && Settings.FailurePolicy == WasmFailurePolicy.FailReload)
            {
                _reloadAt = DateTime.UtcNow + _backoff;
                _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, Settings.ReloadMaxInterval.Ticks));
            }

            _failed = true;
        }
    }

    /// <summary>proxy_log: the plugin's line under the wasm component, with Envoy's prefix.</summary>
    public int WriteLog(int level, string text)
    {
        Write(Map(level), _logPrefix + text);
        return ProxyWasmAbi.Ok;
    }

    /// <summary>False when the line would be dropped, so it is not even decoded (before the logger is attached, lines are kept).</summary>
    public bool IsLogEnabled(int level) => _logger?.IsEnabled(Map(level)) ?? true;

    private static LogLevel Map(int level) => level switch
    {
        0 => Microsoft.Extensions.Logging.LogLevel.Trace,
        1 => Microsoft.Extensions.Logging.LogLevel.Debug,
        2 => Microsoft.Extensions.Logging.LogLevel.Information,
        3 => Microsoft.Extensions.Logging.LogLevel.Warning,
        4 => Microsoft.Extensions.Logging.LogLevel.Error,
        _ => Microsoft.Extensions.Logging.LogLevel.Critical,
    };

    public void WriteStdio(int fd, string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Write(fd == 2 ? Microsoft.Extensions.Logging.LogLevel.Error : Microsoft.Extensions.Logging.LogLevel.Information, _logPrefix + line.TrimEnd('\r'));
        }
    }

    public void HostFailure(Exception e) => Log.HostFailure(LoggerOrNull, Settings.PluginName, e.GetType().Name, e.Message);

    public void RunTick(WasmInstance instance)
    {
        lock (instance.Gate)
        {
            try
            {
                instance.OnTick();
            }
            catch (WasmTrapException e)
            {
                OnTrap(instance, e);
            }
        }
    }

    public void RunQueueReady(WasmInstance instance, uint queueId)
    {
        lock (instance.Gate)
        {
            try
            {
                instance.OnQueueReady((int)queueId);
            }
            catch (WasmTrapException e)
            {
                OnTrap(instance, e);
            }
        }
    }

    private ILogger LoggerOrNull => _logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private void Write(LogLevel level, string text)
    {
        var logger = _logger;
        if (logger is null)
        {
            // Before the gateway's logger is attached (while the config loads) lines wait here.
            if (_earlyLog!.Count < 1000)
            {
                _earlyLog.Enqueue((level, text));
            }

            return;
        }

        if (logger.IsEnabled(level))
        {
            Log.PluginLine(logger, level, text);
        }
    }

    /// <summary>The config that built this plugin is no longer served: stop its timers (in-flight requests finish).</summary>
    public void Dispose()
    {
        lock (_poolGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _active = false;
            foreach (var instance in _pool)
            {
                instance?.StopTicks();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "WasmPluginLine", Message = "{Text}")]
        public static partial void PluginLine(ILogger logger, LogLevel level, string text);

        [LoggerMessage(EventId = 21, EventName = "WasmTrap", Level = Microsoft.Extensions.Logging.LogLevel.Error,
            Message = "wasm plugin '{PluginName}' ({Code}) failed: {Reason}; failure_policy {Policy} applies to its requests")]
        public static partial void Trapped(ILogger logger, string pluginName, string code, string reason, string policy);

        [LoggerMessage(EventId = 22, EventName = "WasmStartFailed", Level = Microsoft.Extensions.Logging.LogLevel.Error,
            Message = "wasm plugin '{PluginName}' ({Code}) could not start a new instance: {Reason}")]
        public static partial void StartFailed(ILogger logger, string pluginName, string code, string reason);

        [LoggerMessage(EventId = 23, EventName = "WasmReloaded", Level = Microsoft.Extensions.Logging.LogLevel.Warning,
            Message = "wasm plugin '{PluginName}' ({Code}): reloading the VM after a failure (failure_policy FAIL_RELOAD)")]
        public static partial void Reloaded(ILogger logger, string pluginName, string code);

        [LoggerMessage(EventId = 24, EventName = "WasmHostFailure", Level = Microsoft.Extensions.Logging.LogLevel.Error,
            Message = "wasm plugin '{PluginName}': a host function failed ({Type}: {Message}); the plugin got InternalFailure")]
        public static partial void HostFailure(ILogger logger, string pluginName, string type, string message);
    }
}
