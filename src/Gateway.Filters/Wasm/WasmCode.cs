using Wasmtime;

namespace Gateway.Filters.Wasm;

/// <summary>
/// One compiled module and the linker that instantiates it: the shared host functions plus, for imports
/// this host does not know (another SDK's extra host calls), stubs that return Unimplemented (WASI ones
/// ENOSYS) instead of failing instantiation or trapping.
/// </summary>
public sealed class WasmCode
{
    internal WasmCode(WasmRuntime runtime, Module module, string hash, bool fromCache)
    {
        Runtime = runtime;
        Module = module;
        Hash = hash;
        FromDiskCache = fromCache;
        var exports = module.Exports.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var abi = ProxyWasmAbi.AbiVersionExports.FirstOrDefault(exports.Contains)?["proxy_abi_version_".Length..].Replace('_', '.');
        AbiVersion = abi ?? throw new WasmLoadException(
            "is not a proxy-wasm plugin: it exports none of proxy_abi_version_0_2_0, proxy_abi_version_0_2_1, proxy_abi_version_0_2_100");

        var missing = module.Imports.OfType<FunctionImport>()
            .Where(i => !runtime.KnownImports.Contains(i.ModuleName + "::" + i.Name))
            .ToArray();
        var nonFunction = module.Imports.FirstOrDefault(i => i is not FunctionImport);
        if (nonFunction is not null)
        {
            throw new WasmLoadException($"imports {nonFunction.ModuleName}.{nonFunction.Name}, which is not a function; this host provides functions only");
        }

        if (missing.Length == 0)
        {
            Linker = runtime.Linker;
            return;
        }

        Linker = runtime.Linker.Clone();
        foreach (var import in missing)
        {
            var isWasi = import.ModuleName.StartsWith("wasi", StringComparison.Ordinal);
            var results = import.Results.ToArray();
            Linker.DefineFunction(import.ModuleName, import.Name, (Caller caller, ReadOnlySpan<ValueBox> args, Span<ValueBox> output) =>
            {
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = results[i] switch
                    {
                        ValueKind.Int32 => i == 0 ? (isWasi ? ProxyWasmAbi.WasiNoSys : ProxyWasmAbi.Unimplemented) : 0,
                        ValueKind.Int64 => 0L,
                        ValueKind.Float32 => 0f,
                        ValueKind.Float64 => 0d,
                        _ => 0,
                    };
                }
            }, import.Parameters.ToArray(), results);
        }

        StubbedImports = missing.Select(i => i.ModuleName + "." + i.Name).ToArray();
    }

    public WasmRuntime Runtime { get; }

    public Module Module { get; }

    /// <summary>SHA-256 of the code, lower-case hex.</summary>
    public string Hash { get; }

    /// <summary>The proxy-wasm ABI the module declares: 0.2.0, 0.2.1 or 0.2.100.</summary>
    public string AbiVersion { get; }

    public bool FromDiskCache { get; }

    internal Linker Linker { get; }

    /// <summary>Imports answered with Unimplemented stubs.</summary>
    public IReadOnlyList<string> StubbedImports { get; } = [];
}
