using Gateway.Cli;
using Gateway.Hosting;

namespace Gateway.Testing;

/// <summary>
/// The gateway running in the test's process from an envoy.yaml: <c>await using var envoy = await
/// EnvoyGateway.StartAsync("envoy.yaml")</c>, then <see cref="ListenerUri"/>, <see cref="AdminUri"/>,
/// <see cref="GetStatsAsync"/> and <see cref="LogLines"/>. Disposing drains and stops it.
/// </summary>
public sealed class EnvoyGateway : IAsyncDisposable
{
    private readonly GatewayHost _host;
    private readonly LogLineSink _log;
    private readonly string _directory;
    private readonly HttpClient _admin;

    private EnvoyGateway(GatewayHost host, LogLineSink log, string directory)
    {
        _host = host;
        _log = log;
        _directory = directory;
        AdminUri = new Uri($"http://127.0.0.1:{host.AdminPort ?? throw new InvalidOperationException("the config has no admin address; add admin.address to use AdminUri and stats")}/");
        _admin = new HttpClient { BaseAddress = AdminUri };
    }

    /// <summary>The admin interface (<c>/ready</c>, <c>/stats</c>, <c>/clusters</c>, <c>/config_dump</c>, ...).</summary>
    public Uri AdminUri { get; }

    /// <summary>Every log line so far, in Envoy's text shape (<c>[time][thread][level][component] message</c>).</summary>
    public IReadOnlyList<string> LogLines => [.. _log.Lines];

    /// <summary>The running host, for what this type does not wrap (reloads, state).</summary>
    public GatewayHost Host => _host;

    /// <summary>
    /// Starts the gateway from <paramref name="pathOrYaml"/>: a file's path, or the YAML itself (anything
    /// with a line break or a <c>static_resources</c>/<c>admin</c> key). Throws the gateway's
    /// ConfigException, with file:line:col and the fix, for a bad config.
    /// </summary>
    public static async Task<EnvoyGateway> StartAsync(string pathOrYaml, EnvoyGatewayOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pathOrYaml);
        options ??= new EnvoyGatewayOptions();
        var isYaml = pathOrYaml.Contains('\n', StringComparison.Ordinal) || pathOrYaml.TrimStart().StartsWith('{')
            || pathOrYaml.Contains("static_resources:", StringComparison.Ordinal);
        var yaml = isYaml ? pathOrYaml : await File.ReadAllTextAsync(pathOrYaml, cancellationToken).ConfigureAwait(false);
        if (!options.KeepPorts)
        {
            yaml = TestPorts.Pick(yaml);
        }

        // A copy in a directory of its own (with the test ports), removed when the gateway is disposed.
        var directory = Directory.CreateTempSubdirectory("envoy-gateway-").FullName;
        var path = Path.Combine(directory, isYaml ? "envoy.yaml" : Path.GetFileName(pathOrYaml));
        await File.WriteAllTextAsync(path, yaml, cancellationToken).ConfigureAwait(false);
        var log = new LogLineSink();
        var gatewayOptions = new GatewayOptions
        {
            ConfigPath = path,
            LogLevel = options.LogLevel,
            DisableHotReload = !options.HotReload,
            IgnoreUnsupported = options.IgnoreUnsupported,
            NativePlugins = options.NativePlugins,
            WriteLog = options.WriteLogToStderr,
            LogSinks = [log],
        };
        try
        {
            var host = await GatewayHost.StartAsync(gatewayOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new EnvoyGateway(host, log, directory);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary><c>http://127.0.0.1:PORT/</c> of the listener named <paramref name="name"/> (its bound port).</summary>
    public Uri ListenerUri(string name) =>
        _host.ListenerPorts.TryGetValue(name, out var port)
            ? new Uri($"http://127.0.0.1:{port}/")
            : throw new ArgumentException($"no listener named '{name}'; the config has {string.Join(", ", _host.ListenerPorts.Keys.Select(k => $"'{k}'"))}", nameof(name));

    /// <summary>
    /// A client of the envoy.yaml cluster <paramref name="clusterName"/>, through the gateway's own pool for
    /// it (same load balancing, circuit breaker, outlier detection and stats as routed traffic); a relative
    /// URI goes to a healthy endpoint of the cluster, and after a reload to the new config's endpoints.
    /// </summary>
    public HttpClient CreateClusterClient(string clusterName) => _host.ClusterClients.CreateClient(clusterName);

    /// <summary>Counters and gauges by Envoy's names, as <c>GET /stats</c> lists them.</summary>
    public async Task<IReadOnlyDictionary<string, long>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var text = await _admin.GetStringAsync("stats", cancellationToken).ConfigureAwait(false);
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(line.AsSpan(colon + 2), out var value))
            {
                stats[line[..colon]] = value;
            }
        }

        return stats;
    }

    /// <summary>Re-reads the config file now (as <c>POST /reload</c>).</summary>
    public Task<ConfigReloadResult> ReloadAsync(CancellationToken cancellationToken = default) => _host.Reloader.ReloadAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a log sink: left for the temp cleaner.
        }
    }
}
