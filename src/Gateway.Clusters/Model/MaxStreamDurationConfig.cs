namespace Gateway.Clusters.Model;

/// <summary>
/// A route's max_stream_duration message. Its presence switches the route to Envoy's "new timeouts": the
/// route <c>timeout</c> no longer applies and the connection manager bounds the whole stream instead.
/// </summary>
/// <param name="MaxStreamDuration">max_stream_duration; null falls back to the HCM's, zero disables.</param>
/// <param name="GrpcTimeoutHeaderMax">grpc_timeout_header_max: when set, a gRPC request's grpc-timeout is the duration (capped by it unless zero).</param>
/// <param name="GrpcTimeoutHeaderOffset">grpc_timeout_header_offset: subtracted from the grpc-timeout value.</param>
public sealed record MaxStreamDurationConfig(TimeSpan? MaxStreamDuration, TimeSpan? GrpcTimeoutHeaderMax, TimeSpan? GrpcTimeoutHeaderOffset);
