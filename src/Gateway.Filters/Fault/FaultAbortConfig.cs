using Gateway.Clusters.Model;

namespace Gateway.Filters.Fault;

/// <summary>envoy.extensions.filters.http.fault.v3.FaultAbort: a fixed HTTP or gRPC status, or one the request's headers give.</summary>
/// <param name="HttpStatus">http_status (200-599), or null.</param>
/// <param name="GrpcStatus">grpc_status, or null.</param>
/// <param name="FromHeaders">header_abort: x-envoy-fault-abort-request / x-envoy-fault-abort-grpc-request decide, x-envoy-fault-abort-request-percentage may lower the share.</param>
public sealed record FaultAbortConfig(int? HttpStatus, int? GrpcStatus, bool FromHeaders, FractionalPercentConfig Percentage);
