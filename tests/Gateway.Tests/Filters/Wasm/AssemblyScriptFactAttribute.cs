namespace Gateway.Tests.Filters.Wasm;

/// <summary>A fact that needs node and the AssemblyScript SDK; skipped, with what to install, when they are missing.</summary>
public sealed class AssemblyScriptFactAttribute : FactAttribute
{
    public AssemblyScriptFactAttribute()
    {
        if (WasmPlugins.AssemblyScriptMissing is { } reason)
        {
            Skip = reason;
        }
    }
}
