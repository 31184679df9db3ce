using Gateway.Cli;
using Gateway.Clusters.Configuration;
using Gateway.Hosting;
using Gateway.Stats;

// Envoy-compatible gateway: `Gateway -c envoy.yaml` serves it; `--mode validate` checks it.
if (args.Length > 0 && args[0] == "cluster-name")
{
    return ClusterNameCommand.Run(args.Length > 1 ? args[1] : "", Console.Out, Console.Error);
}

if (args.Contains("--version"))
{
    Console.Write(ServerVersion.VersionOutput);
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

options = ConfigPathResolver.Resolve(options);
// Before the first socket (the runtime reads its socket-engine settings then, once).
EventLoops.ConfigureProcess(options.Concurrency);
if (options.Mode == "validate")
{
    return ValidateCommand.Run(options, Console.Out, Console.Error);
}

if (options.Mode == "init_only")
{
    return InitOnlyCommand.Run(options, Console.Error);
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
catch (ListenerBindException e)
{
    Console.Error.WriteLine($"error: {e.Message} (in {options.ConfigPath})");
    return 1;
}
catch (Exception e) when (StartFailure.IsUserMistake(e))
{
    Console.Error.WriteLine($"error: {StartFailure.Describe(e, options.ConfigPath)}");
    return 1;
}

// Start-up's garbage (the parsed YAML, the host's builders and call sites) is collected and its memory handed back
// to the OS once serving, so an idle gateway does not keep it committed (bench/RESULTS.md, issue 15). ~1 ms.
GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

await host.WaitForShutdownAsync();
await host.DisposeAsync();
return 0;
