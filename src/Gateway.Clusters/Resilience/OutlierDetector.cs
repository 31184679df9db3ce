using Gateway.Clusters.Model;
using Gateway.Clusters.Table;

namespace Gateway.Clusters.Resilience;

/// <summary>
/// Envoy's consecutive_5xx / consecutive_gateway_failure outlier detection. Ejection runs inline when a
/// host's counter reaches its threshold; hosts return to service on the interval sweep once
/// base_ejection_time × times-ejected has passed (capped at max(300s, base) like max_ejection_time).
/// As Envoy documents, the first ejection always happens; later ones only while the ejected share stays
/// within max_ejection_percent. Local failures (connect, reset, timeout) count as gateway failures, which
/// are 5xx too (split_external_local_origin_errors: false).
/// </summary>
public sealed class OutlierDetector : IDisposable
{
    private readonly ClusterEntry _cluster;
    private readonly OutlierDetectionConfig _config;
    private readonly long _maxEjectionMs;
    private readonly Lock _ejectionLock = new();
    private readonly Timer _sweep;

    public OutlierDetector(ClusterEntry cluster, OutlierDetectionConfig config)
    {
        _cluster = cluster;
        _config = config;
        _maxEjectionMs = (long)Math.Max(300_000, config.BaseEjectionTime.TotalMilliseconds);
        var interval = config.Interval > TimeSpan.Zero ? config.Interval : TimeSpan.FromSeconds(10);
        _sweep = new Timer(static s => ((OutlierDetector)s!).Sweep(), this, interval, interval);
    }

    /// <summary>ejections_total across hosts, for stats.</summary>
    public long EjectionsTotal;

    public void Report(UpstreamEndpoint endpoint, UpstreamOutcome outcome, int status)
    {
        var state = endpoint.Outlier;
        var gatewayFailure = outcome == UpstreamOutcome.LocalFailure || status is 502 or 503 or 504;
        var serverError = gatewayFailure || status >= 500;
        if (!serverError)
        {
            if (Volatile.Read(ref state.Consecutive5xx) != 0)
            {
                Volatile.Write(ref state.Consecutive5xx, 0);
            }

            if (Volatile.Read(ref state.ConsecutiveGatewayFailure) != 0)
            {
                Volatile.Write(ref state.ConsecutiveGatewayFailure, 0);
            }

            return;
        }

        var fivexx = Interlocked.Increment(ref state.Consecutive5xx);
        var gateway = gatewayFailure ? Interlocked.Increment(ref state.ConsecutiveGatewayFailure) : Interlocked.Exchange(ref state.ConsecutiveGatewayFailure, 0);
        if ((_config.Consecutive5xx > 0 && fivexx >= _config.Consecutive5xx && Enforced(_config.EnforcingConsecutive5xx)) ||
            (gatewayFailure && _config.ConsecutiveGatewayFailure > 0 && gateway >= _config.ConsecutiveGatewayFailure &&
             Enforced(_config.EnforcingConsecutiveGatewayFailure)))
        {
            TryEject(endpoint);
        }
    }

    /// <summary>Envoy's enforcing_* percentage: the chance a detected outlier is really ejected.</summary>
    private static bool Enforced(int percent) => percent >= 100 || (percent > 0 && Random.Shared.Next(100) < percent);

    private void TryEject(UpstreamEndpoint endpoint)
    {
        lock (_ejectionLock)
        {
            if (endpoint.Ejected)
            {
                return;
            }

            var all = _cluster.Endpoints.All;
            var ejected = all.Count(e => e.Ejected);
            if (ejected > 0 && 100.0 * (ejected + 1) / all.Length > _config.MaxEjectionPercent)
            {
                return;
            }

            var state = endpoint.Outlier;
            state.TimesEjected++;
            var duration = Math.Min(_maxEjectionMs, (long)_config.BaseEjectionTime.TotalMilliseconds * state.TimesEjected);
            Volatile.Write(ref state.EjectedUntil, Environment.TickCount64 + duration);
            Volatile.Write(ref state.Consecutive5xx, 0);
            Volatile.Write(ref state.ConsecutiveGatewayFailure, 0);
            state.EjectionsTotal++;
            Interlocked.Increment(ref EjectionsTotal);
            endpoint.Ejected = true;
            _cluster.RefreshHealth();
        }
    }

    /// <summary>The interval sweep: returns hosts whose ejection time is over.</summary>
    internal void Sweep()
    {
        var now = Environment.TickCount64;
        var changed = false;
        lock (_ejectionLock)
        {
            foreach (var endpoint in _cluster.Endpoints.All)
            {
                if (endpoint.Ejected && Volatile.Read(ref endpoint.Outlier.EjectedUntil) <= now)
                {
                    endpoint.Ejected = false;
                    changed = true;
                }
            }
        }

        if (changed)
        {
            _cluster.RefreshHealth();
        }
    }

    public void Dispose() => _sweep.Dispose();
}
