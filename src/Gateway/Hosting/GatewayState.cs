namespace Gateway.Hosting;

/// <summary>The snapshot being served now, swapped atomically on reload; plus server-wide state for admin.</summary>
public sealed class GatewayState
{
    private GatewaySnapshot _current;

    public GatewayState(GatewaySnapshot initial, Cli.GatewayOptions options, ServerHealth health)
    {
        _current = initial;
        Options = options;
        Health = health;
    }

    public GatewaySnapshot Current => Volatile.Read(ref _current);

    public Cli.GatewayOptions Options { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>What the health_check filters read; the same object the DI container hands them.</summary>
    public ServerHealth Health { get; }

    /// <summary>Set by POST /healthcheck/fail: /ready then answers DRAINING and health_check filters answer 503.</summary>
    public bool HealthCheckFailed
    {
        get => Health.IsFailingHealthChecks;
        set => Health.IsFailingHealthChecks = value;
    }

    public long ConfigReloads;

    public long ConfigReloadFailures;

    /// <summary>Swaps in a new snapshot; returns the old one so the caller can retire it after a grace period.</summary>
    public GatewaySnapshot Swap(GatewaySnapshot next) => Interlocked.Exchange(ref _current, next);
}
