namespace Gateway.Filters.Router;

/// <summary>envoy.filters.http.router settings this gateway honours.</summary>
/// <param name="SuppressEnvoyHeaders">Do not add x-envoy-* headers (x-envoy-upstream-service-time, x-envoy-expected-rq-timeout-ms).</param>
public sealed record RouterFilterConfig(bool SuppressEnvoyHeaders)
{
    public static readonly RouterFilterConfig Default = new(false);

    /// <summary>start_child_span: the router opens a child span per upstream request when the HCM traces.</summary>
    public bool StartChildSpan { get; init; }

    /// <summary>respect_expected_rq_timeout: an incoming x-envoy-expected-rq-timeout-ms (set by an egress Envoy) is the route timeout.</summary>
    public bool RespectExpectedRqTimeout { get; init; }
}
