namespace Gateway.Filters.Wasm;

/// <summary>envoy.extensions.wasm.v3.FailurePolicy: what happens to requests once the plugin's VM has failed.</summary>
public enum WasmFailurePolicy
{
    /// <summary>Unset: FAIL_CLOSED, or FAIL_OPEN when the deprecated fail_open is true.</summary>
    Unspecified,

    /// <summary>Requests get a 503 local reply; the VM is not recreated.</summary>
    FailClosed,

    /// <summary>Requests go on without the plugin; the VM is not recreated.</summary>
    FailOpen,

    /// <summary>As closed, and the VM is recreated after a backoff.</summary>
    FailReload,
}
