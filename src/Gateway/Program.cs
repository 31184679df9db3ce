using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;

// Envoy-compatible gateway: `Gateway -c envoy.yaml` serves it; `--mode validate` checks it.
if (args.Length > 0 && args[0] == "cluster-name")
{
    return ClusterNameCommand.Run(args.Length > 1 ? args[1] : "", Console.Out, Console.Error);
}

if (args.Contains("--version"))
{
    Console.WriteLine($"Gateway {typeof(GatewayHost).Assembly.GetName().Version} (Envoy-compatible, .NET {Environment.Version})");
    return 0;
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLineParser.Usage);
    return 0;
}

if (!CommandLineParser.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(CommandLineParser.Usage);
    return 1;
}

if (options.Mode == "validate")
{
    try
    {
        var loaded = GatewayConfigLoader.LoadFile(options.ConfigPath, new BootstrapLoadOptions(options.IgnoreUnsupported, FilterFactories.Create(options)));
        // The same findings serve mode logs: warnings always, inert fields at debug.
        foreach (var warning in loaded.Warnings)
        {
            Console.Error.WriteLine(warning);
        }

        if (options.LogLevel <= Serilog.Events.LogEventLevel.Debug)
        {
            foreach (var ignored in loaded.Ignored)
            {
                Console.Error.WriteLine(ignored);
            }
        }

        Console.WriteLine($"configuration '{options.ConfigPath}' OK");
        return 0;
    }
    catch (ConfigException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
}

GatewayHost host;
try
{
    host = await GatewayHost.StartAsync(options);
}
catch (ConfigException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"error: cannot bind a listener: {e.Message.TrimEnd('.')}; stop whatever holds the port or change port_value in {options.ConfigPath}");
    return 1;
}

await host.WaitForShutdownAsync();
await host.DisposeAsync();
return 0;
