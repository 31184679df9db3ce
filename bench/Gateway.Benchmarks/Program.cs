using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.Length == 4 && args[0] == "wasm-memory")
{
    Gateway.Benchmarks.WasmMemoryProbe.Run(args[1], int.Parse(args[2]), int.Parse(args[3]));
    return;
}

if (args is ["callouts", ..])
{
    await Gateway.Benchmarks.CalloutCost.RunAsync(args);
    return;
}

// In-process toolchain: no generated project to build per run (2 cores; builds are the slow part).
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .AddDiagnoser(MemoryDiagnoser.Default);
BenchmarkSwitcher.FromAssembly(typeof(Gateway.Benchmarks.RouteTableYaml).Assembly).Run(args, config);
