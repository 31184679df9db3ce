namespace Gateway.Filters.Wasm;

/// <summary>Plugin code trapped (or hit its CPU deadline or memory cap); the instance is failed.</summary>
public sealed class WasmTrapException(string message, Exception? inner = null) : Exception(message, inner);
