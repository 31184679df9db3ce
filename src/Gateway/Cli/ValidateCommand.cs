using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Serilog.Events;

namespace Gateway.Cli;

/// <summary>
/// <c>--mode validate</c>: loads the config exactly as serve mode does, prints the same findings serve
/// mode logs (warnings always; inert fields at debug), and exits 0 exactly where serve would start.
/// </summary>
public static class ValidateCommand
{
    public static int Run(GatewayOptions options, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        BootstrapLoadResult loaded;
        try
        {
            loaded = GatewayConfigLoader.LoadFile(options.ConfigPath, new BootstrapLoadOptions(options.IgnoreUnsupported, FilterFactories.Create(options)) { OverlayYaml = options.ConfigYaml, ServiceCluster = options.ServiceCluster, ServiceNode = options.ServiceNode });
        }
        catch (ConfigException e)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }

        foreach (var warning in loaded.Warnings)
        {
            stderr.WriteLine(warning);
        }

        if (options.LogLevel <= LogEventLevel.Debug)
        {
            foreach (var ignored in loaded.Ignored)
            {
                stderr.WriteLine(ignored);
            }
        }

        stdout.WriteLine($"configuration '{options.ConfigPath}' OK");
        return 0;
    }
}
