using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Cli;

/// <summary>
/// <c>--mode init_only</c>, as Envoy's: load the config and initialize what serving it needs (cluster
/// table, filter chains, route indexes, tracers), then exit without binding a listener: 0 when serve
/// would start, 1 with the findings otherwise.
/// </summary>
public static class InitOnlyCommand
{
    public static int Run(GatewayOptions options, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stderr);
        var factories = FilterFactories.Create(options);
        try
        {
            var loaded = GatewayConfigLoader.LoadFile(options.ConfigPath, new BootstrapLoadOptions(options.IgnoreUnsupported, factories) { OverlayYaml = options.ConfigYaml, ServiceCluster = options.ServiceCluster, ServiceNode = options.ServiceNode });
            foreach (var warning in loaded.Warnings)
            {
                stderr.WriteLine(warning);
            }

            using var services = new ServiceCollection().BuildServiceProvider();
            using var snapshot = new SnapshotBuilder(options, factories, services).Build(loaded, previous: null);
            return 0;
        }
        catch (ConfigException e)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }
    }
}
