namespace Gateway.Hosting;

/// <summary>The snapshot being served now, swapped atomically on reload; plus server-wide state for admin.</summary>
public sealed class GatewayState
{
    private GatewaySnapshot _current;

    public GatewayState(GatewaySnapshot initial, Cli.GatewayOptions options)
    {
        _current = initial;
        Options = options;
    }

    public GatewaySnapshot Current => Volatile.Read(ref _current);

    public Cli.GatewayOptions Options { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Set by POST /healthcheck/fail: /ready then answers DRAINING.</summary>
    public bool HealthCheckFailed { get; set; }

    public long ConfigReloads;

    public long ConfigReloadFailures;

    /// <summary>Swaps in a new snapshot; returns the old one so the caller can retire it after a grace period.</summary>
    public GatewaySnapshot Swap(GatewaySnapshot next) => Interlocked.Exchange(ref _current, next);
}
