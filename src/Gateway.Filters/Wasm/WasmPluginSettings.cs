namespace Gateway.Filters.Wasm;

/// <summary>
/// One envoy.filters.http.wasm entry that runs wasm code, as the loader read it. <see cref="Plugin"/> is
/// the plugin already started once (its module compiled, on_vm_start and on_configure passed), so a
/// config that loads is one whose plugins accepted their configuration.
/// </summary>
public sealed record WasmPluginSettings
{
    public required string FilterName { get; init; }

    /// <summary>PluginConfig.name (the plugin_name property and the log prefix).</summary>
    public required string PluginName { get; init; }

    public required string RootId { get; init; }

    public required string VmId { get; init; }

    /// <summary>Where the code came from: the file name, or "inline code".</summary>
    public required string CodeSource { get; init; }

    /// <summary>The plugin configuration handed to on_configure.</summary>
    public required byte[] Configuration { get; init; }

    /// <summary>vm_config.configuration, handed to on_vm_start.</summary>
    public required byte[] VmConfiguration { get; init; }

    public required WasmFailurePolicy FailurePolicy { get; init; }

    public TimeSpan ReloadBaseInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReloadMaxInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most one callback may run before it is interrupted (epoch deadline).</summary>
    public TimeSpan CpuDeadline { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on each instance's linear memory.</summary>
    public long MemoryLimitBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Instances kept per plugin (Envoy: one per worker thread).</summary>
    public int PoolSize { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    internal WasmPlugin? Plugin { get; set; }
}
