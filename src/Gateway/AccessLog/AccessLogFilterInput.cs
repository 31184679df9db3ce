using Gateway.Proxy;

namespace Gateway.AccessLog;

/// <summary>What an access log filter looks at: the request, its state, the status and duration it ended with.</summary>
public readonly record struct AccessLogFilterInput(RequestState State, int Status, long DurationMs, string? ResponseFlags);
