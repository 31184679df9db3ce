namespace Gateway.Filters.Wasm;

/// <summary>Wasm code could not be loaded or started; the message says why, for the config error.</summary>
public sealed class WasmLoadException(string message) : Exception(message);
