using System.Runtime.CompilerServices;
using Gateway.Clusters.Model;
using Gateway.Clusters.Table;

namespace Gateway.Clusters.Health;

/// <summary>
/// Envoy's http_health_check for one cluster: every interval, a GET of <c>path</c> to each endpoint
/// through the cluster's own pool, with <c>host</c> (default: the cluster name) as the authority and
/// <c>user-agent: Envoy/HC</c>. A status in expected_statuses (default 200) within timeout is a pass.
/// unhealthy_threshold consecutive failures set FailedActiveHealthCheck; healthy_threshold consecutive
/// passes clear it. The first result for a host decides at once, as Envoy does while warming.
/// </summary>
public sealed class HttpHealthChecker : IDisposable
{
    private readonly ClusterEntry _cluster;
    private readonly HealthCheckConfig _config;
    private readonly ConditionalWeakTable<UpstreamEndpoint, HostState> _states = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public HttpHealthChecker(ClusterEntry cluster, HealthCheckConfig config)
    {
        _cluster = cluster;
        _config = config;
    }

    /// <summary>Total checks that failed, for stats (health_check.failure).</summary>
    public long Failures;

    /// <summary>Total checks that passed (health_check.success).</summary>
    public long Successes;

    /// <summary>Starts checking; the returned task completes when the first round is done.</summary>
    public Task StartAsync()
    {
        var first = CheckAllAsync(_stop.Token);
        _loop = LoopAsync(first, _stop.Token);
        return first;
    }

    private async Task LoopAsync(Task first, CancellationToken token)
    {
        try
        {
            await first.ConfigureAwait(false);
            using var timer = new PeriodicTimer(_config.Interval > TimeSpan.Zero ? _config.Interval : TimeSpan.FromSeconds(5));
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                await CheckAllAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CheckAllAsync(CancellationToken token)
    {
        var endpoints = _cluster.Endpoints.All;
        var results = await Task.WhenAll(endpoints.Select(e => e.ActiveHealthCheckDisabled ? Task.FromResult(true) : CheckAsync(e, token))).ConfigureAwait(false);
        var changed = false;
        for (var i = 0; i < endpoints.Length; i++)
        {
            // A host with active checks disabled keeps its health as it is (Envoy does not check it).
            changed |= !endpoints[i].ActiveHealthCheckDisabled && Apply(endpoints[i], results[i]);
        }

        if (changed && !token.IsCancellationRequested)
        {
            _cluster.RefreshHealth();
        }
    }

    private async Task<bool> CheckAsync(UpstreamEndpoint endpoint, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(_config.Timeout > TimeSpan.Zero ? _config.Timeout : TimeSpan.FromSeconds(1));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.HealthCheckPrefix + _config.Path)
            {
                Version = _cluster.RequestVersion,
                VersionPolicy = _cluster.VersionPolicy,
            };
            // Envoy's precedence: the endpoint's health_check_config.hostname, the health check's host, the cluster's name.
            request.Headers.Host = endpoint.HealthCheckHostname ?? _config.Host ?? _cluster.Name;
            request.Headers.TryAddWithoutValidation("user-agent", "Envoy/HC");
            using var response = await _cluster.Invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var status = (long)response.StatusCode;
            foreach (var range in _config.ExpectedStatuses)
            {
                if (status >= range.Start && status < range.End)
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Records one result; true when the host's health flag changed.</summary>
    private bool Apply(UpstreamEndpoint endpoint, bool passed)
    {
        var state = _states.GetValue(endpoint, static _ => new HostState());
        Interlocked.Increment(ref passed ? ref Successes : ref Failures);
        var wasFailed = endpoint.FailedActiveHealthCheck;
        if (!state.Seen)
        {
            state.Seen = true;
            endpoint.FailedActiveHealthCheck = !passed;
            return wasFailed == passed;
        }

        if (passed)
        {
            state.ConsecutiveFailures = 0;
            state.ConsecutiveSuccesses++;
            if (wasFailed && state.ConsecutiveSuccesses >= Math.Max(1, _config.HealthyThreshold))
            {
                endpoint.FailedActiveHealthCheck = false;
                return true;
            }
        }
        else
        {
            state.ConsecutiveSuccesses = 0;
            state.ConsecutiveFailures++;
            if (!wasFailed && state.ConsecutiveFailures >= Math.Max(1, _config.UnhealthyThreshold))
            {
                endpoint.FailedActiveHealthCheck = true;
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class HostState
    {
        public bool Seen;
        public int ConsecutiveFailures;
        public int ConsecutiveSuccesses;
    }
}
