namespace Gateway.Filters.Router;

/// <summary>envoy.filters.http.router settings this gateway honours.</summary>
/// <param name="SuppressEnvoyHeaders">Do not add x-envoy-* headers (x-envoy-upstream-service-time, x-envoy-expected-rq-timeout-ms).</param>
public sealed record RouterFilterConfig(bool SuppressEnvoyHeaders)
{
    public static readonly RouterFilterConfig Default = new(false);
}
