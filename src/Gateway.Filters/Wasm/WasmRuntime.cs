using System.Collections.Concurrent;
using System.Security.Cryptography;
using Wasmtime;

namespace Gateway.Filters.Wasm;

/// <summary>
/// The process's one Wasmtime engine (epoch interruption on, ticked every <see cref="EpochTick"/> by a
/// background timer so a runaway plugin call can be cut at its CPU deadline), the linker holding every
/// host function, and the compiled modules: one per code hash, compiled once and cached on disk keyed by
/// the content hash and the Wasmtime version, so a restart deserializes instead of compiling.
/// </summary>
public sealed class WasmRuntime
{
    public static readonly TimeSpan EpochTick = TimeSpan.FromMilliseconds(10);

    private static readonly Lazy<WasmRuntime> LazyShared = new(() => new WasmRuntime(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ConcurrentDictionary<string, Lazy<WasmCode>> _codes = new(StringComparer.Ordinal);
    private readonly Timer _epochTimer;

    private WasmRuntime()
    {
        var config = new Config()
            .WithEpochInterruption(true)
            .WithOptimizationLevel(OptimizationLevel.Speed);
        Engine = new Engine(config);
        Linker = new Linker(Engine);
        KnownImports = ProxyWasmHostFunctions.Define(Linker);
        foreach (var name in WasiFunctions.Define(Linker))
        {
            KnownImports.Add(name);
        }

        _epochTimer = new Timer(static state => ((Engine)state!).IncrementEpoch(), Engine, EpochTick, EpochTick);
        WasmtimeVersion = typeof(Engine).Assembly.GetName().Version?.ToString() ?? "unknown";
        CacheDirectory = Environment.GetEnvironmentVariable("GATEWAY_WASM_CACHE") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "gateway-wasm-cache");
    }

    public static WasmRuntime Shared => LazyShared.Value;

    public Engine Engine { get; }

    /// <summary>Host functions (proxy_* and WASI) shared by every module; per-module stubs go into a clone.</summary>
    internal Linker Linker { get; }

    /// <summary>"module::name" of every import the linker defines.</summary>
    internal HashSet<string> KnownImports { get; }

    public string WasmtimeVersion { get; }

    /// <summary>Where compiled code is kept between runs (GATEWAY_WASM_CACHE, else a temp folder).</summary>
    public string CacheDirectory { get; }

    /// <summary>Epoch ticks in a CPU deadline.</summary>
    internal static ulong TicksFor(TimeSpan deadline) => (ulong)Math.Max(1, deadline.Ticks / EpochTick.Ticks);

    /// <summary>
    /// The compiled code of <paramref name="bytes"/>: from memory, else from the disk cache, else compiled now.
    /// Throws <see cref="WasmLoadException"/> with a user-facing reason when the bytes are not a usable module.
    /// </summary>
    public WasmCode Load(byte[] bytes, bool allowPrecompiled)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = (allowPrecompiled ? "p:" : "w:") + hash;
        var lazy = _codes.GetOrAdd(key, _ => new Lazy<WasmCode>(() => Compile(bytes, hash, allowPrecompiled), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not keep a failure: the file may be fixed before the next load.
            _codes.TryRemove(new KeyValuePair<string, Lazy<WasmCode>>(key, lazy));
            throw;
        }
    }

    private WasmCode Compile(byte[] bytes, string hash, bool allowPrecompiled)
    {
        var isWasm = bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == (byte)'a' && bytes[2] == (byte)'s' && bytes[3] == (byte)'m';
        Module module;
        var fromCache = false;
        if (!isWasm)
        {
            if (!allowPrecompiled)
            {
                throw new WasmLoadException("is not a WebAssembly module (no \\0asm header); precompiled code needs vm_config.allow_precompiled: true");
            }

            try
            {
                module = Module.Deserialize(Engine, hash, bytes);
            }
            catch (WasmtimeException e)
            {
                throw new WasmLoadException($"is neither a WebAssembly module nor code precompiled by Wasmtime {WasmtimeVersion}: {FirstLine(e.Message)}");
            }
        }
        else
        {
            var cacheFile = Path.Combine(CacheDirectory, $"{hash}-wasmtime-{WasmtimeVersion}.cwasm");
            var cached = TryDeserialize(cacheFile, hash);
            fromCache = cached is not null;
            if (cached is not null)
            {
                module = cached;
            }
            else
            {
                try
                {
                    module = Module.FromBytes(Engine, hash, bytes);
                }
                catch (WasmtimeException e)
                {
                    throw new WasmLoadException($"is not a valid WebAssembly module: {FirstLine(e.Message)}");
                }

                TryStore(cacheFile, module);
            }
        }

        return new WasmCode(this, module, hash, fromCache);
    }

    private Module? TryDeserialize(string file, string name)
    {
        try
        {
            return File.Exists(file) ? Module.DeserializeFile(Engine, name, file) : null;
        }
        catch (Exception e) when (e is WasmtimeException or IOException or UnauthorizedAccessException)
        {
            // A stale or damaged cache entry: compile again and overwrite it.
            return null;
        }
    }

    private void TryStore(string file, Module module)
    {
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            var temp = file + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temp, module.Serialize());
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WasmtimeException)
        {
            // The cache only saves start-up time; a read-only disk just means compiling again next start.
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Trim();
    }
}
