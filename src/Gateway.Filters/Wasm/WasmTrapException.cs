namespace Gateway.Filters.Wasm;

/// <summary>Plugin code trapped (or hit its CPU deadline or memory cap); the instance is failed.</summary>
public sealed class WasmTrapException(string message, Exception? inner = null, bool failedEarlier = false) : Exception(message, inner)
{
    /// <summary>The instance had failed before this call (the failure was reported then).</summary>
    public bool FailedEarlier { get; } = failedEarlier;
}
