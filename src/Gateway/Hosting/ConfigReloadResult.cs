namespace Gateway.Hosting;

/// <summary>The outcome of one reload: applied, or refused with the config error (file:line: path: what to do).</summary>
public sealed record ConfigReloadResult(bool Success, string Message)
{
    /// <summary>Listeners of the applied config that could not be bound (address in use, ...); the rest applies.</summary>
    public IReadOnlyList<string> ListenerBindFailures { get; init; } = [];
}
