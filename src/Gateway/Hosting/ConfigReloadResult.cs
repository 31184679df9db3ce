namespace Gateway.Hosting;

/// <summary>The outcome of one reload: applied, or refused with the config error (file:line: path: what to do).</summary>
public sealed record ConfigReloadResult(bool Success, string Message)
{
    /// <summary>Listener address changes found in the new config that need a restart to apply.</summary>
    public IReadOnlyList<string> ListenerChangesNeedingRestart { get; init; } = [];
}
