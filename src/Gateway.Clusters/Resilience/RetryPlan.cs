using System.Globalization;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Resilience;

/// <summary>
/// A retry_policy compiled once per config load (or, for a request carrying x-envoy-retry-on and its
/// siblings, once for that request): which responses and failures retry, how many times, the per-try
/// timeout and Envoy's back-off. As Envoy's RetryStateImpl: <c>5xx</c> (any 5xx, resets, connect
/// failures, per-try timeouts), <c>gateway-error</c> (502/503/504 and the same failures),
/// <c>connect-failure</c>, <c>reset</c> (no response at all), <c>reset-before-request</c> (a failure
/// before anything was sent), <c>retriable-4xx</c> (409), <c>retriable-status-codes</c>,
/// <c>envoy-ratelimited</c> (a response with x-envoy-ratelimited, which no other condition retries),
/// <c>retriable-headers</c> (a response matching retriable_headers or a name x-envoy-retriable-header-names lists), and
/// the gRPC conditions (<c>cancelled</c>, <c>deadline-exceeded</c>, <c>internal</c>,
/// <c>resource-exhausted</c>, <c>unavailable</c>) on a response's grpc-status. Unknown words are ignored.
/// Back-off: fully jittered exponential (a random delay below base × 2^(n-1), capped at max_interval);
/// with rate_limited_retry_back_off, a reset header's interval (at most its max_interval) gives a delay
/// between the interval and 1.5 × it.
/// </summary>
public sealed class RetryPlan
{
    private readonly bool[] _retriableStatus;
    private readonly RetryConditions _on;
    private readonly double _baseMs;
    private readonly double _maxMs;
    private readonly IReadOnlyList<RetryResetHeaderConfig> _resetHeaders;
    private readonly long _resetMaxMs;
    private readonly IReadOnlyList<int> _codes;
    private readonly Func<HttpResponseMessage, bool>? _retriableHeaders;
    private readonly IReadOnlyList<string> _retriableHeaderNames;

    private RetryPlan(RetryConditions on, IReadOnlyList<int> codes, int numRetries, TimeSpan? perTry, double baseMs, double maxMs,
        IReadOnlyList<RetryResetHeaderConfig> resetHeaders, long resetMaxMs, Func<HttpResponseMessage, bool>? retriableHeaders,
        IReadOnlyList<string> retriableHeaderNames, IReadOnlyList<RetryHostPredicateConfig> hostPredicates, int hostSelectionMaxAttempts)
    {
        _on = on;
        _codes = codes;
        _retriableHeaders = retriableHeaders;
        _retriableHeaderNames = retriableHeaderNames;
        HostPredicates = hostPredicates;
        HostSelectionMaxAttempts = hostSelectionMaxAttempts;
        NumRetries = Math.Max(0, numRetries);
        PerTryTimeout = perTry is { } t && t > TimeSpan.Zero ? t : null;
        _baseMs = baseMs > 0 ? baseMs : 25;
        _maxMs = maxMs > 0 ? maxMs : 10 * _baseMs;
        _resetHeaders = resetHeaders;
        _resetMaxMs = resetMaxMs;
        _retriableStatus = new bool[600];
        if ((on & RetryConditions.FiveXx) != 0)
        {
            MarkRange(500, 600);
        }

        if ((on & RetryConditions.GatewayError) != 0)
        {
            MarkRange(502, 505);
        }

        if ((on & RetryConditions.Retriable4xx) != 0)
        {
            _retriableStatus[409] = true;
        }

        if ((on & RetryConditions.RetriableStatusCodes) != 0)
        {
            foreach (var code in codes)
            {
                if ((uint)code < (uint)_retriableStatus.Length)
                {
                    _retriableStatus[code] = true;
                }
            }
        }
    }

    /// <summary>
    /// The route's plan; null when the route has no retry_policy. <paramref name="retriableHeaders"/> is the policy's
    /// retriable_headers compiled by the caller (the header matchers live with the filters); null when it has none.
    /// </summary>
    public static RetryPlan? Create(RetryPolicyConfig? config, Func<HttpResponseMessage, bool>? retriableHeaders = null) => config is null
        ? null
        : new RetryPlan(Parse(config.RetryOn), config.RetriableStatusCodes, config.NumRetries, config.PerTryTimeout,
            config.BaseInterval.TotalMilliseconds, config.MaxInterval.TotalMilliseconds, config.ResetHeaders, (long)config.ResetMaxInterval.TotalMilliseconds,
            retriableHeaders, [], config.HostPredicates, config.HostSelectionMaxAttempts);

    /// <summary>
    /// The plan for a request carrying Envoy's retry headers (kept only on internal requests): x-envoy-retry-on
    /// and x-envoy-retry-grpc-on add conditions, x-envoy-max-retries replaces num_retries when any condition
    /// applies, x-envoy-retriable-status-codes adds codes, x-envoy-retriable-header-names adds name-only retriable
    /// headers (a response carrying one is retried under <c>retriable-headers</c>). Null when nothing would ever retry.
    /// </summary>
    public static RetryPlan? WithRequestHeaders(RetryPlan? route, string? retryOn, string? retryGrpcOn, string? maxRetries, string? statusCodes,
        string? headerNames = null)
    {
        var on = route?._on ?? RetryConditions.None;
        // Each header is read for its own kind of word only (Envoy's parseRetryOn / parseRetryGrpcOn); the route's
        // retry_on takes both kinds.
        if (retryOn is not null)
        {
            on |= Parse(retryOn.Split(',')) & ~RetryConditions.AnyGrpc;
        }

        if (retryGrpcOn is not null)
        {
            on |= Parse(retryGrpcOn.Split(',')) & RetryConditions.AnyGrpc;
        }

        if (on == RetryConditions.None)
        {
            return route;
        }

        var retries = route?.NumRetries ?? 1;
        if (maxRetries is not null && uint.TryParse(maxRetries, NumberStyles.None, CultureInfo.InvariantCulture, out var max))
        {
            retries = (int)Math.Min(max, int.MaxValue);
        }

        IReadOnlyList<int> codes = route?._codes ?? [];
        if (statusCodes is not null)
        {
            var merged = new List<int>(codes);
            foreach (var part in statusCodes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    merged.Add(code);
                }
            }

            codes = merged;
        }

        IReadOnlyList<string> names = route?._retriableHeaderNames ?? [];
        if (headerNames is not null)
        {
            names = [.. names, .. headerNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }

        return new RetryPlan(on, codes, retries, route?.PerTryTimeout, route?._baseMs ?? 25, route?._maxMs ?? 250,
            route?._resetHeaders ?? [], route?._resetMaxMs ?? 300_000, route?._retriableHeaders, names,
            route?.HostPredicates ?? [], route?.HostSelectionMaxAttempts ?? 1);
    }

    /// <summary>retry_host_predicate of the policy: the hosts a retry's pick avoids; empty for none.</summary>
    public IReadOnlyList<RetryHostPredicateConfig> HostPredicates { get; }

    /// <summary>host_selection_retry_max_attempts: extra picks a retry makes while a predicate rejects the host.</summary>
    public int HostSelectionMaxAttempts { get; }

    /// <summary>
    /// A response header's value as Envoy's header matchers see it: <c>:status</c> is the status code; several values
    /// (headers and content headers alike) are joined with commas; null when absent.
    /// </summary>
    public static string? ResponseHeaderValue(HttpResponseMessage response, string name)
    {
        if (name == ":status")
        {
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }

        if (!response.Headers.NonValidated.TryGetValues(name, out var values) &&
            (response.Content is null || !response.Content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            return null;
        }

        return values.Count == 1 ? values.ToString() : string.Join(',', values);
    }

    public int NumRetries { get; }

    public TimeSpan? PerTryTimeout { get; }

    /// <summary>True when some condition is set (Envoy creates no retry state otherwise).</summary>
    public bool Enabled => _on != RetryConditions.None;

    /// <summary>Whether response headers ask for a retry (Envoy's wouldRetryFromHeaders).</summary>
    public bool RetriesResponse(int status, HttpResponseMessage response)
    {
        if (response.Headers.Contains("x-envoy-ratelimited"))
        {
            return (_on & RetryConditions.EnvoyRateLimited) != 0;
        }

        if ((uint)status < (uint)_retriableStatus.Length && _retriableStatus[status])
        {
            return true;
        }

        if ((_on & RetryConditions.RetriableHeaders) != 0 && RetriesOnHeaders(response))
        {
            return true;
        }

        if ((_on & RetryConditions.AnyGrpc) != 0 && response.Headers.TryGetValues("grpc-status", out var values))
        {
            var condition = values.FirstOrDefault() switch
            {
                "1" => RetryConditions.GrpcCancelled,
                "4" => RetryConditions.GrpcDeadlineExceeded,
                "8" => RetryConditions.GrpcResourceExhausted,
                "13" => RetryConditions.GrpcInternal,
                "14" => RetryConditions.GrpcUnavailable,
                _ => RetryConditions.None,
            };
            return (_on & condition) != 0;
        }

        return false;
    }

    private bool RetriesOnHeaders(HttpResponseMessage response)
    {
        if (_retriableHeaders?.Invoke(response) == true)
        {
            return true;
        }

        foreach (var name in _retriableHeaderNames)
        {
            if (ResponseHeaderValue(response, name) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a failure before response headers asks for a retry (Envoy's wouldRetryFromReset).</summary>
    public bool RetriesFailure(LocalFailureKind kind)
    {
        if (kind == LocalFailureKind.ConnectFailure && (_on & (RetryConditions.ConnectFailure | RetryConditions.ResetBeforeRequest)) != 0)
        {
            return true;
        }

        return (_on & (RetryConditions.Reset | RetryConditions.FiveXx | RetryConditions.GatewayError)) != 0;
    }

    /// <summary>The exponential back-off before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(_maxMs, _baseMs * Math.Pow(2, Math.Min(30, Math.Max(0, retry - 1))));
        return TimeSpan.FromMilliseconds(Math.Floor(Random.Shared.NextDouble() * ceiling));
    }

    /// <summary>True when rate_limited_retry_back_off names reset headers.</summary>
    public bool HasResetHeaders => _resetHeaders.Count > 0;

    /// <summary>
    /// The rate-limited back-off a retried response asks for: the first reset header whose interval parses and
    /// is within max_interval, jittered to [interval, 1.5 × interval); null when none applies (the exponential
    /// back-off is used).
    /// </summary>
    public TimeSpan? RateLimitedBackoff(HttpResponseMessage response, DateTimeOffset now)
    {
        foreach (var header in _resetHeaders)
        {
            if (!response.Headers.TryGetValues(header.Name, out var values) &&
                !(response.Content?.Headers.TryGetValues(header.Name, out values) ?? false))
            {
                continue;
            }

            if (!ulong.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                continue;
            }

            ulong intervalMs;
            if (header.UnixTimestamp)
            {
                var nowSeconds = (ulong)now.ToUnixTimeSeconds();
                if (seconds < nowSeconds)
                {
                    continue;
                }

                intervalMs = (seconds - nowSeconds) * 1000;
            }
            else
            {
                intervalMs = seconds * 1000;
            }

            if (intervalMs > (ulong)_resetMaxMs)
            {
                continue;
            }

            if (intervalMs <= 1)
            {
                return null;
            }

            return TimeSpan.FromMilliseconds(intervalMs + (ulong)Random.Shared.NextInt64((long)(intervalMs >> 1)));
        }

        return null;
    }

    private static RetryConditions Parse(IEnumerable<string> words)
    {
        var on = RetryConditions.None;
        foreach (var word in words)
        {
            on |= word.Trim() switch
            {
                "5xx" => RetryConditions.FiveXx,
                "gateway-error" => RetryConditions.GatewayError,
                "connect-failure" => RetryConditions.ConnectFailure,
                "reset" => RetryConditions.Reset,
                "reset-before-request" => RetryConditions.ResetBeforeRequest,
                "retriable-4xx" => RetryConditions.Retriable4xx,
                "retriable-status-codes" => RetryConditions.RetriableStatusCodes,
                "envoy-ratelimited" => RetryConditions.EnvoyRateLimited,
                "retriable-headers" => RetryConditions.RetriableHeaders,
                "cancelled" => RetryConditions.GrpcCancelled,
                "deadline-exceeded" => RetryConditions.GrpcDeadlineExceeded,
                "internal" => RetryConditions.GrpcInternal,
                "resource-exhausted" => RetryConditions.GrpcResourceExhausted,
                "unavailable" => RetryConditions.GrpcUnavailable,
                _ => RetryConditions.None,
            };
        }

        return on;
    }

    private void MarkRange(int start, int end)
    {
        for (var s = start; s < end; s++)
        {
            _retriableStatus[s] = true;
        }
    }

    [Flags]
    private enum RetryConditions
    {
        None = 0,
        FiveXx = 1,
        GatewayError = 1 << 1,
        ConnectFailure = 1 << 2,
        Reset = 1 << 3,
        ResetBeforeRequest = 1 << 4,
        Retriable4xx = 1 << 5,
        RetriableStatusCodes = 1 << 6,
        EnvoyRateLimited = 1 << 7,
        GrpcCancelled = 1 << 8,
        GrpcDeadlineExceeded = 1 << 9,
        GrpcInternal = 1 << 10,
        GrpcResourceExhausted = 1 << 11,
        GrpcUnavailable = 1 << 12,
        RetriableHeaders = 1 << 13,
        AnyGrpc = GrpcCancelled | GrpcDeadlineExceeded | GrpcInternal | GrpcResourceExhausted | GrpcUnavailable,
    }
}
