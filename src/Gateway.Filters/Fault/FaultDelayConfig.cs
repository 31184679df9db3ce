using Gateway.Clusters.Model;

namespace Gateway.Filters.Fault;

/// <summary>envoy.extensions.filters.common.fault.v3.FaultDelay: a fixed delay, or the milliseconds of x-envoy-fault-delay-request (header_delay).</summary>
public sealed record FaultDelayConfig(TimeSpan? FixedDelay, bool FromHeaders, FractionalPercentConfig Percentage);
