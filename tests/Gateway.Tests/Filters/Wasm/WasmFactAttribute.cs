namespace Gateway.Tests.Filters.Wasm;

/// <summary>A fact that needs the C wasm toolchain; skipped, with what to install, when it is missing.</summary>
public sealed class WasmFactAttribute : FactAttribute
{
    public WasmFactAttribute()
    {
        if (WasmPlugins.CToolchainMissing is { } reason)
        {
            Skip = reason;
        }
    }
}
