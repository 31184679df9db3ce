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

    /// <summary>Envoy's <c>outlier_detection.*</c> counters (ejections_total and ejections_consecutive_5xx are its deprecated ones).</summary>
    public long EjectionsTotal;
    public long EjectionsEnforcedTotal;
    public long EjectionsOverflow;
    public long EjectionsConsecutive5xx;
    public long EjectionsDetectedConsecutive5xx;
    public long EjectionsEnforcedConsecutive5xx;
    public long EjectionsDetectedConsecutiveGatewayFailure;
    public long EjectionsEnforcedConsecutiveGatewayFailure;

    /// <summary>ejections_active: hosts ejected now.</summary>
    public int EjectionsActive
    {
        get
        {
            var active = 0;
            foreach (var endpoint in _cluster.Endpoints.All)
            {
                if (endpoint.Ejected)
                {
                    active++;
                }
            }

            return active;
        }
    }

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

        // As Envoy's host monitor: a gateway failure counts toward both, another 5xx breaks the gateway run.
        var gateway = gatewayFailure ? Interlocked.Increment(ref state.ConsecutiveGatewayFailure) : Interlocked.Exchange(ref state.ConsecutiveGatewayFailure, 0);
        if (gatewayFailure && _config.ConsecutiveGatewayFailure > 0 && gateway == _config.ConsecutiveGatewayFailure)
        {
            OnConsecutive(endpoint, fiveXx: false);
        }

        var fivexx = Interlocked.Increment(ref state.Consecutive5xx);
        if (_config.Consecutive5xx > 0 && fivexx == _config.Consecutive5xx)
        {
            OnConsecutive(endpoint, fiveXx: true);
        }
    }

    /// <summary>Envoy's enforcing_* percentage: the chance a detected outlier is really ejected.</summary>
    private static bool Enforced(int percent) => percent >= 100 || (percent > 0 && Random.Shared.Next(100) < percent);

    /// <summary>Envoy's onConsecutiveErrorWorker and ejectHost: detected, then ejected when enforced and max_ejection_percent allows.</summary>
    private void OnConsecutive(UpstreamEndpoint endpoint, bool fiveXx)
    {
        lock (_ejectionLock)
        {
            if (endpoint.Ejected)
            {
                return;
            }

            var state = endpoint.Outlier;
            if (fiveXx)
            {
                Interlocked.Increment(ref EjectionsDetectedConsecutive5xx);
                Interlocked.Increment(ref EjectionsConsecutive5xx);
                Volatile.Write(ref state.Consecutive5xx, 0);
            }
            else
            {
                Interlocked.Increment(ref EjectionsDetectedConsecutiveGatewayFailure);
                Volatile.Write(ref state.ConsecutiveGatewayFailure, 0);
            }

            var all = _cluster.Endpoints.All;
            var ejected = all.Count(e => e.Ejected);
            // As Envoy documents, the first ejection always happens; later ones only within max_ejection_percent.
            if (ejected > 0 && 100.0 * (ejected + 1) / all.Length > _config.MaxEjectionPercent)
            {
                Interlocked.Increment(ref EjectionsOverflow);
                return;
            }

            if (fiveXx)
            {
                Interlocked.Increment(ref EjectionsTotal);
            }

            if (!Enforced(fiveXx ? _config.EnforcingConsecutive5xx : _config.EnforcingConsecutiveGatewayFailure))
            {
                return;
            }

            Interlocked.Increment(ref EjectionsEnforcedTotal);
            Interlocked.Increment(ref fiveXx ? ref EjectionsEnforcedConsecutive5xx : ref EjectionsEnforcedConsecutiveGatewayFailure);
            state.TimesEjected++;
            var duration = Math.Min(_maxEjectionMs, (long)_config.BaseEjectionTime.TotalMilliseconds * state.TimesEjected);
            Volatile.Write(ref state.EjectedUntil, Environment.TickCount64 + duration);
            Volatile.Write(ref state.Consecutive5xx, 0);
            Volatile.Write(ref state.ConsecutiveGatewayFailure, 0);
            state.EjectionsTotal++;
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
