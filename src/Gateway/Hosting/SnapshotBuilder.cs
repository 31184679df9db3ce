using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Filters.Router;
using Gateway.Network;
using Gateway.Clusters.Model;
using Gateway.Proxy;

namespace Gateway.Hosting;

/// <summary>Compiles a loaded envoy.yaml into a <see cref="GatewaySnapshot"/>; <see cref="LoadOptions"/> is how the reloader loads it.</summary>
public sealed class SnapshotBuilder
{
    private readonly GatewayOptions _options;
    private readonly IReadOnlyList<IHttpFilterFactory> _factories;
    private readonly IServiceProvider _services;

    public SnapshotBuilder(GatewayOptions options, IReadOnlyList<IHttpFilterFactory> factories, IServiceProvider services)
    {
        _options = options;
        _factories = factories;
        _services = services;
    }

    public BootstrapLoadOptions LoadOptions => new(_options.IgnoreUnsupported, _factories)
    {
        OverlayYaml = _options.ConfigYaml,
        ServiceCluster = _options.ServiceCluster,
        ServiceNode = _options.ServiceNode,
    };

    /// <summary>
    /// Builds runtimes; <paramref name="previous"/> lends its HCM stats and its unchanged cluster entries
    /// (pools, health, stats) so they survive a reload.
    /// </summary>
    public GatewaySnapshot Build(BootstrapLoadResult loaded, GatewaySnapshot? previous)
    {
        var config = loaded.Config;
        var clusters = new ClusterTable(config.Clusters, previous?.Clusters);
        var listeners = new Dictionary<string, ListenerRuntime>(StringComparer.Ordinal);
        var accessLogs = _services.GetService(typeof(AccessLog.AccessLogService)) as AccessLog.AccessLogService;
        var runtime = _services.GetService(typeof(Clusters.Runtime.LayeredRuntime)) as Clusters.Runtime.LayeredRuntime;
        runtime?.Apply(config.Runtime);
        var networkListeners = new Dictionary<string, NetworkListenerRuntime>(StringComparer.Ordinal);
        var tracers = new List<IDisposable>();
        var tcpStats = _services.GetService(typeof(TcpProxyStatsRegistry)) as TcpProxyStatsRegistry ?? new TcpProxyStatsRegistry();
        foreach (var listener in config.Listeners)
        {
            if (!listener.IsNetwork)
            {
                listeners[listener.Name] = HttpRuntime(listener, listener.Name, listener.Http!, previous, accessLogs, config.SourceFile, runtime, tracing: (clusters, tracers, config.NodeCluster), localNode: (config.NodeCluster, config.NodeId));
                continue;
            }

            // A network listener: one HTTP runtime per HCM chain (under its own key), the chains compiled once here.
            CompiledFilterChain Compile(FilterChainConfig chain)
            {
                if (chain.Http is { } http)
                {
                    var key = CompiledFilterChain.HttpKey(listener.Name, chain.Index);
                    // Chains that share a stat_prefix share its counters, as in Envoy.
                    var shared = listeners.Values.FirstOrDefault(r => r.Http.StatPrefix == http.StatPrefix)?.Stats;
                    listeners[key] = HttpRuntime(listener, key, http, previous, accessLogs, config.SourceFile, runtime, shared, (clusters, tracers, config.NodeCluster), (config.NodeCluster, config.NodeId));
                }

                var tcp = chain.TcpProxy is { } proxy ? new TcpProxyRuntime(proxy, tcpStats.For(proxy.StatPrefix), accessLogs) : null;
                return new CompiledFilterChain(chain, listener.Name, tcp);
            }

            var chains = listener.FilterChains.Select(Compile).ToArray();
            var defaultChain = listener.DefaultFilterChain is { } d ? Compile(d) : null;
            var stats = previous?.NetworkListeners.GetValueOrDefault(listener.Name)?.Stats ?? new NetworkListenerStats();
            networkListeners[listener.Name] = new NetworkListenerRuntime(listener, chains, defaultChain, stats);
        }

        return new GatewaySnapshot(config, clusters, listeners)
        {
            NetworkListeners = networkListeners,
            Owned = tracers,
            AdminLog = AdminAccessLog(config, accessLogs),
        };
    }

    private ListenerRuntime HttpRuntime(ListenerConfig listener, string key, Clusters.Model.HttpConnectionManagerConfig http, GatewaySnapshot? previous,
        AccessLog.AccessLogService? accessLogs, string sourceFile, Clusters.Runtime.IRuntime? runtime, HttpConnectionManagerStats? shared = null,
        (ClusterTable Clusters, List<IDisposable> Owned, string ServiceName)? tracing = null, (string Cluster, string Node) localNode = default)
    {
        var chain = HttpFilterChain.Build(http.HttpFilters, _factories, _services);
        var router = http.HttpFilters.FirstOrDefault(f => f.TypeName == RouterFilterFactory.TypeName)?.Settings as RouterFilterConfig
            ?? RouterFilterConfig.Default;
        if (http.Tracing is { } tracingConfig && tracing is { } t && Tracing.TracerFactory.Create(tracingConfig, t.Clusters, t.ServiceName) is { } tracer)
        {
            // Only a tracing HCM gets this stage: the others pay nothing per request for tracing.
            t.Owned.Add(tracer);
            chain = chain.Prepend(Tracing.TracingFilter.Create(tracer, tracingConfig, router.StartChildSpan));
        }
        var stats = shared ?? previous?.Listeners.GetValueOrDefault(key)?.Stats ?? new HttpConnectionManagerStats();
        return new ListenerRuntime(listener, chain, router, stats, runtime, http, localNode)
        {
            AccessLog = accessLogs?.Compile(listener, sourceFile, http),
            LocalReplyMapper = CompileLocalReply(listener, http, sourceFile),
            BoundPort = previous?.Listeners.GetValueOrDefault(key)?.BoundPort ?? listener.Address.Port,
        };
    }

    /// <summary>
    /// admin.access_log: admin requests are logged through the access log machinery of an HCM, so a
    /// synthetic one (no routes, no filters) carries the entries; null when the admin logs nothing.
    /// </summary>
    private static ListenerRuntime? AdminAccessLog(BootstrapConfig config, AccessLog.AccessLogService? accessLogs)
    {
        if (config.Admin is not { AccessLogs.Count: > 0 } admin || accessLogs is null)
        {
            return null;
        }

        var http = new HttpConnectionManagerConfig("admin", CodecType.Auto, new RouteTableConfig("admin", [], HeaderMutationConfig.Empty), [],
            "envoy", ServerHeaderTransformation.PassThrough, admin.AccessLogs, false, false, false, false, false, [], null, 60);
        var listener = new ListenerConfig("admin", admin.Address, http, null, "admin");
        return new ListenerRuntime(listener, HttpFilterChain.Empty, RouterFilterConfig.Default, new HttpConnectionManagerStats(), http: http)
        {
            AccessLog = accessLogs.Compile(listener, config.SourceFile, http),
        };
    }

    private static LocalReplyMapper? CompileLocalReply(Clusters.Model.ListenerConfig listener, Clusters.Model.HttpConnectionManagerConfig http, string sourceFile)
    {
        try
        {
            return LocalReplyMapper.Create(http.LocalReply);
        }
        catch (AccessLog.AccessLogFormatException e)
        {
            throw new Clusters.Configuration.ConfigException([new Clusters.Configuration.ConfigDiagnostic(Clusters.Configuration.ConfigDiagnosticKind.Error, sourceFile,
                $"{listener.YamlPath}.filter_chains[0].filters[0].typed_config.local_reply_config", 0, 0, e.Message + "; fix the format or remove the operator")]);
        }
    }
}
