namespace Gateway.Tests.Filters.Wasm;

/// <summary>A theory over the corpus that needs the C wasm toolchain; skipped, saying why, without either.</summary>
public sealed class CorpusWasmTheoryAttribute : TheoryAttribute
{
    public CorpusWasmTheoryAttribute()
    {
        if (WasmPlugins.CToolchainMissing is { } reason)
        {
            Skip = reason;
        }
        else if (CorpusWasmTests.Corpus is null)
        {
            Skip = "shared/conformance/corpus not found in any parent folder of the test assembly";
        }
    }
}
