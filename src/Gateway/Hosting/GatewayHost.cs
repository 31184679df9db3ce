using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.AccessLog;
using Gateway.Admin;
using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;
using Gateway.Logging;
using Gateway.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Hosting;

/// <summary>
/// The running gateway: a Kestrel server per envoy.yaml listener (and the admin address), one
/// terminal handler that dispatches each request to its listener's connection manager, and the
/// current config snapshot. Used by Program and, in-process, by the tests.
/// </summary>
public sealed partial class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenerManager _listeners;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    private GatewayHost(WebApplication app, GatewayState state, ListenerManager listeners)
    {
        _app = app;
        State = state;
        _listeners = listeners;
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("main");
    }

    public GatewayState State { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Each envoy.yaml cluster as a named client (<c>CreateClient("outbound|8000||172.22.220.21.static")</c>),
    /// sharing the router's pool, breaker and stats, and following reloads; also the host's <see cref="IHttpClientFactory"/>.
    /// </summary>
    public Clusters.Table.Clients.ClusterHttpClientFactory ClusterClients => _app.Services.GetRequiredService<Clusters.Table.Clients.ClusterHttpClientFactory>();

    /// <summary>Reloads envoy.yaml live (file watch, POST /reload).</summary>
    public ConfigReloader Reloader { get; private set; } = null!;

    /// <summary>Bound port of each listener by name (the real one for port_value 0).</summary>
    public IReadOnlyDictionary<string, int> ListenerPorts =>
        Slots.Where(s => !s.IsAdmin).ToDictionary(s => s.Name, s => s.BoundPort);

    public int? AdminPort => Slots.FirstOrDefault(s => s.IsAdmin)?.BoundPort;

    /// <summary>Loads the config and starts serving. Throws <see cref="ConfigException"/> for a bad config.</summary>
    public static async Task<GatewayHost> StartAsync(GatewayOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        var factories = FilterFactories.Create(options);
        var initialContent = ConfigReloader.ReadContent(options.ConfigPath);
        var loaded = GatewayConfigLoader.LoadFile(options.ConfigPath, new BootstrapLoadOptions(options.IgnoreUnsupported, factories) { OverlayYaml = options.ConfigYaml, ServiceCluster = options.ServiceCluster, ServiceNode = options.ServiceNode });
        var config = loaded.Config;

        // The empty builder, not the slim one: the gateway takes nothing from appsettings.json, ASPNETCORE_/DOTNET_
        // variables or the hosting environment, and the slim builder's configuration sources (with a file watcher
        // on the content root), routing and logging defaults cost every start time and memory (issue 15).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Kestrel's services and socket transport; ListenerManager below replaces Kestrel's IServer with one server per listener.
        builder.WebHost.UseKestrelCore();
        if (EventLoops.Inline)
        {
            // Kestrel's own pipe continuations on the same loop as the socket's (alone, without the runtime's inline
            // completions, it measured worse: bench/SESSION5.md).
            builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
        }
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(GatewayLogging.Create(options, out var logLevels), dispose: true);
        builder.Services.AddSingleton(logLevels);
        builder.Services.AddSingleton<AccessLogService>();
        builder.Services.AddSingleton<Clusters.Runtime.LayeredRuntime>();
        builder.Services.AddSingleton<Clusters.Runtime.IRuntime>(sp => sp.GetRequiredService<Clusters.Runtime.LayeredRuntime>());
        builder.Services.AddSingleton<IReportsStats>(sp => sp.GetRequiredService<AccessLogService>());
        builder.Services.AddSingleton<Network.TcpProxyStatsRegistry>();
        builder.Services.AddSingleton<IReportsStats>(sp => sp.GetRequiredService<Network.TcpProxyStatsRegistry>());
        configureLogging?.Invoke(builder.Logging);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(options);
        var health = new ServerHealth(config.NodeCluster);
        builder.Services.AddSingleton<Filters.IServerHealth>(health);
        // Each cluster as a named HttpClient for .NET code beside the gateway, through the cluster's own pool.
        GatewayState? started = null;
        var clusterClients = new Clusters.Table.Clients.ClusterHttpClientFactory(
            () => (started ?? throw new InvalidOperationException("the gateway has not started")).Current.Clusters);
        builder.Services.AddSingleton(clusterClients);
        builder.Services.AddSingleton<IHttpClientFactory>(clusterClients);
        builder.Services.AddSingleton<IHttpMessageHandlerFactory>(clusterClients);
        builder.Services.AddSingleton<ProxyHandler>();
        builder.Services.AddSingleton<AdminHandler>();

        // Our IServer in place of Kestrel's: one Kestrel server per listener, so reloads can bind and unbind them.
        builder.Services.AddSingleton<ListenerManager>();
        builder.Services.AddSingleton<IServer>(sp => sp.GetRequiredService<ListenerManager>());

        var app = builder.Build();
        var services = app.Services;
        var snapshotBuilder = new SnapshotBuilder(options, factories, services);
        var snapshot = snapshotBuilder.Build(loaded, previous: null);
        var state = new GatewayState(snapshot, options, health);
        started = state;
        var listeners = services.GetRequiredService<ListenerManager>();
        var host = new GatewayHost(app, state, listeners);
        var proxy = services.GetRequiredService<ProxyHandler>();
        var admin = services.GetRequiredService<AdminHandler>();
        listeners.Configure(config, snapshot, admin);
        admin.Attach(host);
        if (config.StatsSinks.Count > 0)
        {
            host._statsFlusher = new Stats.StatsdFlusher(admin.StatsSource!, config.StatsSinks, config.StatsFlushInterval);
        }
        app.Run(context => host.DispatchAsync(context, proxy, admin));

        foreach (var warning in loaded.Warnings)
        {
            Log.ConfigWarning(host._logger, warning.ToString());
        }

        foreach (var ignored in loaded.Ignored)
        {
            Log.ConfigIgnored(host._logger, ignored.ToString());
        }

        foreach (var flag in options.IgnoredEnvoyFlags)
        {
            Log.IgnoredFlag(host._logger, flag);
        }

        await snapshot.Clusters.StartAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var slot in listeners.Slots)
        {
            if (!slot.IsAdmin)
            {
                ListenerManager.SetBoundPort(snapshot, slot);
            }
        }

        if (!string.IsNullOrEmpty(options.AdminAddressPath) && listeners.Slots.FirstOrDefault(s => s.IsAdmin) is { } adminSlot)
        {
            // Written beside and renamed, so a reader polling for the file never sees it half written.
            var address = adminSlot.ListenOptions?.IPEndPoint?.Address.ToString() ?? "127.0.0.1";
            var temp = options.AdminAddressPath + ".tmp";
            await File.WriteAllTextAsync(temp, $"{address}:{adminSlot.BoundPort}", cancellationToken).ConfigureAwait(false);
            File.Move(temp, options.AdminAddressPath, overwrite: true);
        }

        Log.Started(host._logger, options.ConfigPath, config.Listeners.Count, config.Clusters.Count);

        // Live reload (issue 5): POST /reload always works; watching is off under --disable-hot-reload.
        host.Reloader = new ConfigReloader(state, snapshotBuilder, options.ConfigPath, initialContent, services.GetRequiredService<ILoggerFactory>())
        {
            Listeners = listeners,
            DependentFiles = config.DependentFiles,
            PollInterval = options.ConfigPollInterval,
        };
        if (!options.DisableHotReload)
        {
            host.Reloader.Start();
        }

        host._runtimePoller = new RuntimeDiskPoller(services.GetRequiredService<Clusters.Runtime.LayeredRuntime>(), TimeSpan.FromSeconds(1));
        return host;
    }

    private RuntimeDiskPoller? _runtimePoller;

    private Stats.StatsdFlusher? _statsFlusher;

    /// <summary>Listener slots (Kestrel endpoints), for the admin's listener stats.</summary>
    internal IReadOnlyList<ListenerSlot> Slots => _listeners.Slots;

    private Task DispatchAsync(HttpContext context, ProxyHandler proxy, AdminHandler admin)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || !items.TryGetValue(ListenerSlot.ItemKey, out var value))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        // HTTP listeners keep a DownstreamConnection (slot plus the HTTP/1 guard's refusals); the HCM
        // chains of network listeners keep their slot alone.
        var connection = value as Codec.DownstreamConnection;
        if ((connection?.Slot ?? value as ListenerSlot) is not { } slot)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (slot.IsAdmin)
        {
            return admin.HandleAsync(context);
        }

        var snapshot = State.Current;
        if (!snapshot.Listeners.TryGetValue(slot.Name, out var listener))
        {
            // The listener was removed by a reload: a request on a connection its draining server still has.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return proxy.HandleAsync(context, listener, snapshot, connection);
    }

    /// <summary>Asks the host to stop (POST /quitquitquit).</summary>
    public void RequestStop() => _app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }
        finally
        {
            if (Reloader is not null)
            {
                await Reloader.DisposeAsync().ConfigureAwait(false);
            }

            if (_runtimePoller is not null)
            {
                await _runtimePoller.DisposeAsync().ConfigureAwait(false);
            }

            if (_statsFlusher is not null)
            {
                await _statsFlusher.DisposeAsync().ConfigureAwait(false);
            }

            // Every access log line of the requests that just drained is written before exit.
            await _app.Services.GetRequiredService<AccessLogService>().DisposeAsync().ConfigureAwait(false);
            State.Current.Dispose();
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "all clusters initialized; serving '{Config}' with {Listeners} listener(s) and {Clusters} cluster(s)")]
        public static partial void Started(Microsoft.Extensions.Logging.ILogger logger, string config, int listeners, int clusters);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void ConfigWarning(Microsoft.Extensions.Logging.ILogger logger, string warning);

        [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Envoy flag '{Flag}' accepted; it tunes Envoy internals and has no effect here")]
        public static partial void IgnoredFlag(Microsoft.Extensions.Logging.ILogger logger, string flag);

        [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Ignored}")]
        public static partial void ConfigIgnored(Microsoft.Extensions.Logging.ILogger logger, string ignored);
    }
}
