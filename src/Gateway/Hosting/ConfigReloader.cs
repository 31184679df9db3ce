using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Live reload of envoy.yaml. Watches the file's directory (a Kubernetes ConfigMap swaps the
/// <c>..data</c> symlink, which changes no event on the file itself) and compares the file's content every
/// second as a fallback for file systems without events. A change is loaded and validated in full,
/// compiled into a new snapshot (unchanged clusters keep their pools, health and stats), and swapped in
/// atomically; requests in flight finish on the old snapshot, which is disposed after a grace period.
/// A bad edit changes nothing served: the error is logged and counted, the last good config stays.
/// Listeners apply too: once the snapshot is current, <see cref="ListenerManager"/> binds new and
/// changed listeners and drains removed ones; unchanged listeners keep their connections.
/// </summary>
public sealed partial class ConfigReloader : IAsyncDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);

    private readonly GatewayState _state;
    private readonly SnapshotBuilder _builder;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<GatewaySnapshot> _retiring = [];
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private Timer? _poll;
    private byte[] _lastContent;
    private byte[]? _pollCandidate;
    private IReadOnlyList<string> _dependentFiles = [];
    private byte[] _lastDependent = [];

    public ConfigReloader(GatewayState state, SnapshotBuilder builder, string path, byte[] initialContent, ILoggerFactory loggerFactory)
    {
        _state = state;
        _builder = builder;
        _path = path;
        _lastContent = initialContent;
        _logger = loggerFactory.CreateLogger("config");
    }

    /// <summary>How often the content is compared when no file event arrives.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a replaced snapshot lives before its clusters are disposed; null: the longest route
    /// timeout of the old config, at least 30s and at most 5 minutes.
    /// </summary>
    public TimeSpan? RetireGrace { get; init; }

    public bool IsWatching => _poll is not null;

    /// <summary>
    /// The path_config_source files (LDS/CDS) the loaded config read: a change in any of them reloads the
    /// whole config as an edit of envoy.yaml would, so a bad file keeps the last good config the same way.
    /// </summary>
    internal IReadOnlyList<string> DependentFiles
    {
        get => _dependentFiles;
        init
        {
            _dependentFiles = value;
            _lastDependent = ReadDependent(value);
        }
    }

    /// <summary>The dependent files' bytes, each after a separator, so a change in any of them shows.</summary>
    private static byte[] ReadDependent(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return [];
        }

        var all = new List<byte>();
        foreach (var file in files)
        {
            all.AddRange(System.Text.Encoding.UTF8.GetBytes("\0" + file + "\0"));
            all.AddRange(ReadContent(file));
        }

        return all.ToArray();
    }

    /// <summary>The listener servers to reconcile with each applied config; null: listeners are left as they are.</summary>
    internal ListenerManager? Listeners { get; init; }

    /// <summary>
    /// The file's bytes (through symlinks), or empty when it cannot be read: what a later read is compared
    /// with to tell a change. The bytes themselves, not a SHA-256 of them: a config file is small, and
    /// loading the crypto library would cost a cold start tens of milliseconds.
    /// </summary>
    public static byte[] ReadContent(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Starts watching the file (not called under --disable-hot-reload).</summary>
    public void Start()
    {
        var full = Path.GetFullPath(_path);
        var directory = Path.GetDirectoryName(full)!;
        _debounce = new Timer(static s => _ = ((ConfigReloader)s!).ReloadIfChangedAsync(fromPoll: false), this, Timeout.Infinite, Timeout.Infinite);
        try
        {
            // The whole directory: editors replace files by rename and ConfigMaps swap ..data.
            _watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.Error += (_, e) => Log.WatcherFailed(_logger, e.GetException().Message);
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            _watcher?.Dispose();
            _watcher = null;
            Log.WatcherFailed(_logger, e.Message);
        }

        _poll = new Timer(static s => _ = ((ConfigReloader)s!).ReloadIfChangedAsync(fromPoll: true), this, PollInterval, PollInterval);
        Log.Watching(_logger, full);
    }

    /// <summary>
    /// Only events about the config file restart the debounce (its name, a rename onto or away from it,
    /// a ConfigMap's ..data swap): a busy log file beside it must not hold the reload back.
    /// </summary>
    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (ConcernsConfigFile(e.Name) || (e is RenamedEventArgs renamed && ConcernsConfigFile(renamed.OldName)))
        {
            _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private bool ConcernsConfigFile(string? name) =>
        name is not null && (string.Equals(name, Path.GetFileName(_path), StringComparison.Ordinal) || name.StartsWith("..data", StringComparison.Ordinal));

    /// <summary>Reloads now, whether or not the file changed (POST /reload).</summary>
    public Task<ConfigReloadResult> ReloadAsync(CancellationToken cancellationToken = default) => ReloadCoreAsync(force: true, fromPoll: false, cancellationToken);

    private async Task ReloadIfChangedAsync(bool fromPoll)
    {
        try
        {
            await ReloadCoreAsync(force: false, fromPoll, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task<ConfigReloadResult> ReloadCoreAsync(bool force, bool fromPoll, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (!force)
            {
                // Mid-replace (delete then create): the next event or poll reads the new file.
                return new ConfigReloadResult(false, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail($"{_path}: cannot read the config file: {e.Message}");
            }

            var dependent = ReadDependent(_dependentFiles);
            if (!force)
            {
                if (bytes.AsSpan().SequenceEqual(_lastContent) && dependent.AsSpan().SequenceEqual(_lastDependent))
                {
                    _pollCandidate = null;
                    return new ConfigReloadResult(true, "unchanged");
                }

                byte[] combined = [.. bytes, .. dependent];
                if (fromPoll && (_pollCandidate is null || !combined.AsSpan().SequenceEqual(_pollCandidate)))
                {
                    // Polling sees a change only once it is stable for one interval: never a half-written file.
                    _pollCandidate = combined;
                    return new ConfigReloadResult(false, "changing");
                }
            }

            _pollCandidate = null;
            _lastContent = bytes;
            _lastDependent = dependent;
            return await ApplyAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ConfigReloadResult> ApplyAsync(byte[] bytes)
    {
        BootstrapLoadResult loaded;
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
            loaded = GatewayConfigLoader.Load(await reader.ReadToEndAsync().ConfigureAwait(false), _path, _builder.LoadOptions);
        }
        catch (ConfigException e)
        {
            return Fail(e.Message);
        }

        var previous = _state.Current;
        GatewaySnapshot next;
        try
        {
            next = _builder.Build(loaded, previous);
            await next.Clusters.StartAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail($"{_path}: {e.Message}");
        }

        foreach (var warning in loaded.Warnings)
        {
            Log.ConfigWarning(_logger, warning.ToString());
        }

        if (!loaded.Config.DependentFiles.SequenceEqual(_dependentFiles))
        {
            _dependentFiles = loaded.Config.DependentFiles;
            _lastDependent = ReadDependent(_dependentFiles);
        }

        var old = _state.Swap(next);
        Interlocked.Increment(ref _state.ConfigReloads);
        Retire(old);

        // After the swap, so a listener's first request already finds its config in the snapshot.
        var bindFailures = Listeners is null ? [] : await Listeners.ReconcileAsync(next).ConfigureAwait(false);
        Log.Reloaded(_logger, _path, loaded.Config.Listeners.Count, loaded.Config.Clusters.Count, next.Clusters.Reused);
        return new ConfigReloadResult(true, "OK") { ListenerBindFailures = bindFailures };
    }

    private ConfigReloadResult Fail(string message)
    {
        Interlocked.Increment(ref _state.ConfigReloadFailures);
        Log.ReloadRejected(_logger, message);
        return new ConfigReloadResult(false, message);
    }

    private void Retire(GatewaySnapshot old)
    {
        var grace = RetireGrace ?? GraceFor(old.Config);
        lock (_retiring)
        {
            _retiring.Add(old);
        }

        _ = Task.Delay(grace, _stop.Token).ContinueWith(_ =>
        {
            lock (_retiring)
            {
                if (!_retiring.Remove(old))
                {
                    return;
                }
            }

            old.Dispose();
        }, TaskScheduler.Default);
    }

    private static TimeSpan GraceFor(BootstrapConfig config)
    {
        var longest = config.Listeners
            .SelectMany(l => l.FilterChains.Select(c => c.Http).Append(l.DefaultFilterChain?.Http).Append(l.Http))
            .OfType<HttpConnectionManagerConfig>()
            .SelectMany(h => h.RouteConfig.VirtualHosts)
            .SelectMany(v => v.Routes)
            .Select(r => r.Forward?.Timeout ?? TimeSpan.Zero)
            .DefaultIfEmpty(TimeSpan.Zero)
            .Max();
        return TimeSpan.FromTicks(Math.Clamp(longest.Ticks, TimeSpan.FromSeconds(30).Ticks, TimeSpan.FromMinutes(5).Ticks));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _watcher?.Dispose();
        if (_debounce is not null)
        {
            await _debounce.DisposeAsync().ConfigureAwait(false);
        }

        if (_poll is not null)
        {
            await _poll.DisposeAsync().ConfigureAwait(false);
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        List<GatewaySnapshot> retiring;
        lock (_retiring)
        {
            retiring = [.. _retiring];
            _retiring.Clear();
        }

        foreach (var snapshot in retiring)
        {
            snapshot.Dispose();
        }

        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "watching '{Path}' for changes (hot reload)")]
        public static partial void Watching(ILogger logger, string path);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "config reloaded from '{Path}': {Listeners} listener(s), {Clusters} cluster(s), {Reused} cluster(s) kept with their connections")]
        public static partial void Reloaded(ILogger logger, string path, int listeners, int clusters, int reused);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "config reload rejected; still serving the last good config:\n{Error}")]
        public static partial void ReloadRejected(ILogger logger, string error);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "file watching unavailable ({Reason}); polling the config file instead")]
        public static partial void WatcherFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void ConfigWarning(ILogger logger, string warning);
    }
}
