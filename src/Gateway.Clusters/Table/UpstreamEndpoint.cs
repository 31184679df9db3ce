using Gateway.Clusters.Resilience;
using Gateway.Clusters.Stats;

namespace Gateway.Clusters.Table;

/// <summary>
/// One upstream host of a cluster: its address, the URL prefix the forwarder sends to (built once,
/// not per request), weight, priority, health and counters.
/// </summary>
public sealed class UpstreamEndpoint
{
    private int _failedActiveHealthCheck;
    private int _ejected;

    /// <param name="hostname">The DNS name this endpoint was resolved from (STRICT_DNS, LOGICAL_DNS); null for STATIC.</param>
    public UpstreamEndpoint(string host, int port, int weight, int priority, bool tls, string? hostname = null)
    {
        Host = host;
        Hostname = hostname;
        Port = port;
        Weight = Math.Max(1, weight);
        Priority = priority;
        var literal = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        Address = $"{literal}:{port}";
        DestinationPrefix = (tls ? "https://" : "http://") + Address;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Envoy's host "hostname": the configured DNS name, without port; what auto_host_rewrite sends as Host.</summary>
    public string? Hostname { get; }

    /// <summary>The lb_endpoint's metadata.filter_metadata by namespace, for %UPSTREAM_METADATA%; null when none.</summary>
    public IReadOnlyDictionary<string, object?>? Metadata { get; init; }

    /// <summary><c>ip:port</c> as Envoy prints it in /clusters and %UPSTREAM_HOST%.</summary>
    public string Address { get; }

    /// <summary><c>http://ip:port</c>, the forwarder's destination prefix.</summary>
    public string DestinationPrefix { get; }

    /// <summary>Where active health checks of this host go (health_check_config address and port_value); the host itself by default.</summary>
    public string HealthCheckPrefix => OwnHealthCheckPrefix ?? DestinationPrefix;

    private string? OwnHealthCheckPrefix { get; init; }

    /// <summary>health_check_config.hostname: the Host of this host's HTTP health checks; null for the health check's own.</summary>
    public string? HealthCheckHostname { get; private init; }

    /// <summary>health_check_config.disable_active_health_check: active health checks leave this host alone.</summary>
    public bool ActiveHealthCheckDisabled { get; private init; }

    /// <summary>
    /// The host an endpoint config gives at <paramref name="host"/> (its address, or one its DNS name resolved to):
    /// weight, priority, metadata, and where its health checks go (health_check_config address and port_value).
    /// </summary>
    internal static UpstreamEndpoint From(Model.EndpointConfig config, string host, bool tls, string? hostname)
    {
        string? checkPrefix = null;
        if (config.HealthCheckHost is not null || config.HealthCheckPort is not null)
        {
            var checkHost = config.HealthCheckHost ?? host;
            var literal = checkHost.Contains(':', StringComparison.Ordinal) ? $"[{checkHost}]" : checkHost;
            checkPrefix = (tls ? "https://" : "http://") + literal + ":" + (config.HealthCheckPort ?? config.Port).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new UpstreamEndpoint(host, config.Port, config.Weight, config.Priority, tls, hostname)
        {
            Metadata = config.Metadata,
            HealthCheckHostname = config.HealthCheckHostname,
            ActiveHealthCheckDisabled = config.ActiveHealthCheckDisabled,
            OwnHealthCheckPrefix = checkPrefix,
        };
    }

    private static readonly UriCreationOptions RawTarget = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private TargetUri? _lastUri;

    /// <summary>
    /// The upstream URI for a raw request target (as the client sent it: no path canonicalisation, as Envoy).
    /// The last one is kept and handed out again while requests repeat the target (a Uri is immutable), so a
    /// repeated path costs no string, Uri or parse per request; another target replaces it.
    /// </summary>
    public Uri UriFor(string target)
    {
        if (_lastUri is { } last && string.Equals(last.Target, target, StringComparison.Ordinal))
        {
            return last.Uri;
        }

        var uri = new Uri(DestinationPrefix + target, RawTarget);
        _lastUri = new TargetUri(target, uri);
        return uri;
    }

    private sealed record TargetUri(string Target, Uri Uri);

    public int Weight { get; }

    public int Priority { get; }

    public EndpointStats Stats { get; } = new();

    /// <summary>outlier_detection counters for this host (unused without outlier_detection).</summary>
    public OutlierHostState Outlier { get; } = new();

    public bool FailedActiveHealthCheck
    {
        get => Volatile.Read(ref _failedActiveHealthCheck) != 0;
        set => Volatile.Write(ref _failedActiveHealthCheck, value ? 1 : 0);
    }

    public bool Ejected
    {
        get => Volatile.Read(ref _ejected) != 0;
        set => Volatile.Write(ref _ejected, value ? 1 : 0);
    }

    public bool IsHealthy => Volatile.Read(ref _failedActiveHealthCheck) == 0 && Volatile.Read(ref _ejected) == 0;

    /// <summary>Envoy's health_flags text: <c>healthy</c>, or the reasons it is not.</summary>
    public string HealthFlags =>
        IsHealthy ? "healthy" : string.Join("|", new[] { FailedActiveHealthCheck ? "/failed_active_hc" : null, Ejected ? "/failed_outlier_check" : null }.Where(f => f is not null));
}
