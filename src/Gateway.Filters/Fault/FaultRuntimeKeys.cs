namespace Gateway.Filters.Fault;

/// <summary>
/// The runtime keys an HTTPFault reads (Envoy's defaults, or the *_runtime fields): a layered_runtime
/// value under them overrides the configured percentage, status or duration, as in Envoy.
/// </summary>
public sealed record FaultRuntimeKeys(string DelayPercent, string AbortPercent, string DelayDuration, string AbortHttpStatus, string MaxActiveFaults)
{
    public static readonly FaultRuntimeKeys Default = new(
        "fault.http.delay.fixed_delay_percent",
        "fault.http.abort.abort_percent",
        "fault.http.delay.fixed_duration_ms",
        "fault.http.abort.http_status",
        "fault.http.max_active_faults");
}
