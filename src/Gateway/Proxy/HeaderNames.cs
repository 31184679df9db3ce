namespace Gateway.Proxy;

/// <summary>Header names Envoy adds, lower-case as Envoy writes them.</summary>
internal static class HeaderNames
{
    public const string XRequestId = "x-request-id";
    public const string XForwardedProto = "x-forwarded-proto";
    public const string XForwardedFor = "x-forwarded-for";
    public const string XForwardedHost = "x-forwarded-host";
    public const string Via = "via";
    public const string XEnvoyOriginalHost = "x-envoy-original-host";
    public const string XEnvoyExpectedRqTimeoutMs = "x-envoy-expected-rq-timeout-ms";
    public const string XEnvoyOriginalPath = "x-envoy-original-path";
    public const string XEnvoyUpstreamServiceTime = "x-envoy-upstream-service-time";
    public const string XEnvoyOverloaded = "x-envoy-overloaded";
    public const string XEnvoyAttemptCount = "x-envoy-attempt-count";
    public const string XEnvoyInternal = "x-envoy-internal";
    public const string XEnvoyExternalAddress = "x-envoy-external-address";
    public const string XEnvoyUpstreamRqTimeoutMs = "x-envoy-upstream-rq-timeout-ms";
    public const string XEnvoyUpstreamRqPerTryTimeoutMs = "x-envoy-upstream-rq-per-try-timeout-ms";
    public const string XEnvoyUpstreamRqTimeoutAltResponse = "x-envoy-upstream-rq-timeout-alt-response";
    public const string XEnvoyRetryOn = "x-envoy-retry-on";
    public const string XEnvoyRetryGrpcOn = "x-envoy-retry-grpc-on";
    public const string XEnvoyMaxRetries = "x-envoy-max-retries";
    public const string XEnvoyRetriableStatusCodes = "x-envoy-retriable-status-codes";
    public const string XEnvoyRetriableHeaderNames = "x-envoy-retriable-header-names";
    public const string XEnvoyHedgeOnPerTryTimeout = "x-envoy-hedge-on-per-try-timeout";
    public const string GrpcTimeout = "grpc-timeout";
}
