using Gateway.Clusters.Model;

namespace Gateway.Clusters.Resilience;

/// <summary>
/// A route's retry_policy compiled once per config load: which statuses and failures retry, how many
/// times, the per-try timeout and Envoy's backoff (fully jittered exponential: a random delay in
/// [0, base × 2^(n-1)], capped at max_interval; base 25ms and max 10 × base by default).
/// retry_on: <c>5xx</c> (any 5xx, resets, connect failures, per-try timeouts), <c>gateway-error</c>
/// (502/503/504, resets, connect failures, per-try timeouts), <c>connect-failure</c>, <c>reset</c> (no
/// response at all: connect failure, reset, per-try timeout),
/// <c>retriable-4xx</c> (409), <c>retriable-status-codes</c> (the listed codes). Others are ignored.
/// </summary>
public sealed class RetryPlan
{
    private readonly bool[] _retriableStatus = new bool[600];
    private readonly bool _onConnectFailure;
    private readonly bool _onReset;
    private readonly bool _onTimeout;
    private readonly double _baseMs;
    private readonly double _maxMs;

    private RetryPlan(RetryPolicyConfig config)
    {
        NumRetries = Math.Max(0, config.NumRetries);
        PerTryTimeout = config.PerTryTimeout is { } t && t > TimeSpan.Zero ? t : null;
        foreach (var condition in config.RetryOn)
        {
            switch (condition.Trim().ToLowerInvariant())
            {
                case "5xx":
                    MarkRange(500, 600);
                    _onConnectFailure = _onReset = _onTimeout = true;
                    break;
                case "gateway-error":
                    MarkRange(502, 505);
                    _onConnectFailure = _onReset = _onTimeout = true;
                    break;
                case "connect-failure":
                    _onConnectFailure = true;
                    break;
                case "reset":
                    _onReset = _onTimeout = true;
                    break;
                case "retriable-4xx":
                    _retriableStatus[409] = true;
                    break;
                case "retriable-status-codes":
                    foreach (var code in config.RetriableStatusCodes)
                    {
                        if ((uint)code < (uint)_retriableStatus.Length)
                        {
                            _retriableStatus[code] = true;
                        }
                    }

                    break;
            }
        }

        _baseMs = config.BaseInterval > TimeSpan.Zero ? config.BaseInterval.TotalMilliseconds : 25;
        _maxMs = config.MaxInterval > TimeSpan.Zero ? config.MaxInterval.TotalMilliseconds : 10 * _baseMs;
    }

    public static RetryPlan? Create(RetryPolicyConfig? config) => config is null ? null : new RetryPlan(config);

    public int NumRetries { get; }

    public TimeSpan? PerTryTimeout { get; }

    public bool RetriesStatus(int status) => (uint)status < (uint)_retriableStatus.Length && _retriableStatus[status];

    public bool RetriesFailure(LocalFailureKind kind) => kind switch
    {
        LocalFailureKind.ConnectFailure => _onConnectFailure || _onReset,
        LocalFailureKind.Reset => _onReset,
        _ => _onTimeout,
    };

    /// <summary>The delay before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(_maxMs, _baseMs * Math.Pow(2, Math.Min(30, Math.Max(0, retry - 1))));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private void MarkRange(int start, int end)
    {
        for (var s = start; s < end; s++)
        {
            _retriableStatus[s] = true;
        }
    }
}
