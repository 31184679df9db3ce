namespace Gateway.Filters.LocalRateLimit;

/// <summary>
/// Envoy's AtomicTokenBucketImpl as the local rate limiter uses it: full at start, refilled continuously
/// at tokens_per_fill / fill_interval per second up to max_tokens, one whole token per request. Time comes
/// from a <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _maxTokens;
    private readonly double _fillRatePerSecond;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastFill;

    public TokenBucket(TokenBucketConfig config, TimeProvider time)
    {
        _time = time;
        _maxTokens = config.MaxTokens;
        _fillRatePerSecond = Math.Max(config.TokensPerFill / config.FillInterval.TotalSeconds, 1.0 / (365 * 24 * 60 * 60));
        _tokens = config.MaxTokens;
        _lastFill = time.GetTimestamp();
    }

    public uint MaxTokens => (uint)_maxTokens;

    /// <summary>Refills by the time passed, then takes one token if a whole one is there.</summary>
    public bool TryConsume()
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var elapsed = _time.GetElapsedTime(_lastFill, now).TotalSeconds;
            if (elapsed > 0)
            {
                _tokens = Math.Min(_maxTokens, _tokens + (elapsed * _fillRatePerSecond));
                _lastFill = now;
            }

            if (Math.Floor(_tokens) < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Whole tokens left as of the last request (Envoy reads the stored value, without refilling).</summary>
    public uint RemainingTokens
    {
        get
        {
            lock (_lock)
            {
                return (uint)Math.Floor(_tokens);
            }
        }
    }

    /// <summary>x-ratelimit-reset: 0 while a token is left, else the time one token takes, in whole seconds (Envoy's integer division).</summary>
    public ulong ResetSeconds
    {
        get
        {
            lock (_lock)
            {
                if (_tokens >= 1)
                {
                    return 0;
                }
            }

            var milliseconds = (ulong)Math.Ceiling(1 / _fillRatePerSecond * 1000);
            return milliseconds / 1000;
        }
    }
}
