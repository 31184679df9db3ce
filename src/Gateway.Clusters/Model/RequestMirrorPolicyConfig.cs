namespace Gateway.Clusters.Model;

/// <summary>
/// RouteAction.request_mirror_policies entry: a copy of each request (that runtime_fraction admits) goes to
/// <see cref="Cluster"/> (or the cluster a request header names), fire and forget, with <c>-shadow</c>
/// appended to its host unless disabled.
/// </summary>
public sealed record RequestMirrorPolicyConfig(string? Cluster, string? ClusterHeader, RuntimeFractionalPercentConfig? RuntimeFraction, bool DisableShadowHostSuffixAppend);
