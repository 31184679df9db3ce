namespace Gateway.Clusters.Model;

/// <summary>One listener_filters entry.</summary>
/// <param name="AllowRequestsWithoutProxyProtocol">proxy_protocol's allow_requests_without_proxy_protocol.</param>
public sealed record ListenerFilterConfig(ListenerFilterKind Kind, string Name, bool AllowRequestsWithoutProxyProtocol = false);
