namespace Gateway.Proxy;

/// <summary>Header names Envoy adds, lower-case as Envoy writes them.</summary>
internal static class HeaderNames
{
    public const string XRequestId = "x-request-id";
    public const string XForwardedProto = "x-forwarded-proto";
    public const string XForwardedFor = "x-forwarded-for";
    public const string XForwardedHost = "x-forwarded-host";
    public const string XEnvoyOriginalHost = "x-envoy-original-host";
    public const string XEnvoyExpectedRqTimeoutMs = "x-envoy-expected-rq-timeout-ms";
    public const string XEnvoyOriginalPath = "x-envoy-original-path";
    public const string XEnvoyUpstreamServiceTime = "x-envoy-upstream-service-time";
    public const string XEnvoyOverloaded = "x-envoy-overloaded";
    public const string XEnvoyAttemptCount = "x-envoy-attempt-count";
    public const string XEnvoyInternal = "x-envoy-internal";
    public const string XEnvoyExternalAddress = "x-envoy-external-address";
}
