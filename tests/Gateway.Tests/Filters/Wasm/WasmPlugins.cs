using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gateway.Tests.Filters.Wasm;

/// <summary>
/// Builds the test plugins from their sources under plugins/ with the real toolchains, once per test
/// run: C against the raw ABI with Debian's clang + lld + wasi-libc (+ the wasm32 compiler-rt builtins),
/// AssemblyScript with npm's @solo-io/proxy-runtime 0.1.8 and assemblyscript 0.17.14 (installed into
/// plugins/assemblyscript/node_modules by .ci/run). When a toolchain is missing, the tests that need it
/// are skipped with the reason (see <see cref="WasmFactAttribute"/>).
/// </summary>
public static class WasmPlugins
{
    public const string Sysroot = "/usr";

    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new(StringComparer.Ordinal);
    private static readonly string OutputDirectory = CreateOutputDirectory();

    public static string SourceDirectory { get; } = Path.Combine(RepositoryRoot(), "tests", "Gateway.Tests", "Filters", "Wasm", "plugins");

    /// <summary>Why C plugins cannot be built here, or null when they can.</summary>
    public static string? CToolchainMissing { get; } = FindCToolchainProblem();

    /// <summary>Why the AssemblyScript plugin cannot be built here, or null when it can.</summary>
    public static string? AssemblyScriptMissing { get; } = FindAssemblyScriptProblem();

    /// <summary>The .wasm built from plugins/<paramref name="name"/>.c.</summary>
    public static string C(string name) => Built.GetOrAdd("c:" + name, _ => new Lazy<string>(() =>
    {
        var output = Path.Combine(OutputDirectory, name + ".wasm");
        Run("clang", $"--target=wasm32-wasi --sysroot={Sysroot} -O2 -mexec-model=reactor -Wl,--export=malloc -o {output} {Path.Combine(SourceDirectory, name + ".c")}", SourceDirectory);
        return output;
    })).Value;

    /// <summary>The .wasm built from plugins/assemblyscript/assembly/index.ts.</summary>
    public static string AssemblyScript() => Built.GetOrAdd("as", _ => new Lazy<string>(() =>
    {
        var directory = Path.Combine(SourceDirectory, "assemblyscript");
        var output = Path.Combine(OutputDirectory, "as_plugin.wasm");
        Run("node", $"node_modules/assemblyscript/bin/asc assembly/index.ts -b {output} --use abort=abort_proc_exit -O3", directory);
        return output;
    })).Value;

    private static string CreateOutputDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-wasm-plugins-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return directory;
    }

    private static void Run(string program, string arguments, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {arguments} did not finish in 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    private static string? FindCToolchainProblem()
    {
        if (OnPath("clang") is null)
        {
            return "clang is not installed (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)";
        }

        if (OnPath("wasm-ld") is null && !Directory.EnumerateFiles("/usr/bin", "wasm-ld*").Any())
        {
            return "lld (wasm-ld) is not installed (apt-get install lld)";
        }

        if (!File.Exists(Path.Combine(Sysroot, "lib", "wasm32-wasi", "libc.a")))
        {
            return "wasi-libc is not installed (apt-get install wasi-libc)";
        }

        // Debian puts them at /usr/lib/llvm-N/lib/clang/N.M.K/lib/wasi/.
        var builtins = Directory.Exists("/usr/lib") && Directory.EnumerateDirectories("/usr/lib", "llvm-*")
            .Select(llvm => Path.Combine(llvm, "lib", "clang"))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Any(version => File.Exists(Path.Combine(version, "lib", "wasi", "libclang_rt.builtins-wasm32.a")));
        return builtins ? null : "the wasm32 compiler-rt builtins are not installed (apt-get install libclang-rt-14-dev-wasm32)";
    }

    private static string? FindAssemblyScriptProblem()
    {
        if (OnPath("node") is null)
        {
            return "node is not installed (apt-get install nodejs npm)";
        }

        return File.Exists(Path.Combine(SourceDirectory, "assemblyscript", "node_modules", "assemblyscript", "bin", "asc"))
            ? null
            : "the AssemblyScript SDK is not installed (cd tests/Gateway.Tests/Filters/Wasm/plugins/assemblyscript && npm install)";
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
