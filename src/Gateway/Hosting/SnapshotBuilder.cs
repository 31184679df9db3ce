using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Filters.Router;
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

    public BootstrapLoadOptions LoadOptions => new(_options.IgnoreUnsupported, _factories);

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
        foreach (var listener in config.Listeners)
        {
            var chain = HttpFilterChain.Build(listener.Http.HttpFilters, _factories, _services);
            var router = listener.Http.HttpFilters.FirstOrDefault(f => f.TypeName == RouterFilterFactory.TypeName)?.Settings as RouterFilterConfig
                ?? RouterFilterConfig.Default;
            var stats = previous?.Listeners.GetValueOrDefault(listener.Name)?.Stats ?? new HttpConnectionManagerStats();
            listeners[listener.Name] = new ListenerRuntime(listener, chain, router, stats, runtime)
            {
                AccessLog = accessLogs?.Compile(listener, config.SourceFile),
                LocalReplyMapper = CompileLocalReply(listener, config.SourceFile),
                BoundPort = previous?.Listeners.GetValueOrDefault(listener.Name)?.BoundPort ?? listener.Address.Port,
            };
        }

        return new GatewaySnapshot(config, clusters, listeners);
    }

    private static LocalReplyMapper? CompileLocalReply(Clusters.Model.ListenerConfig listener, string sourceFile)
    {
        try
        {
            return LocalReplyMapper.Create(listener.Http.LocalReply);
        }
        catch (AccessLog.AccessLogFormatException e)
        {
            throw new Clusters.Configuration.ConfigException([new Clusters.Configuration.ConfigDiagnostic(Clusters.Configuration.ConfigDiagnosticKind.Error, sourceFile,
                $"{listener.YamlPath}.filter_chains[0].filters[0].typed_config.local_reply_config", 0, 0, e.Message + "; fix the format or remove the operator")]);
        }
    }
}
