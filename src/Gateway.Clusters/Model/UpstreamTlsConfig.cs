namespace Gateway.Clusters.Model;

/// <summary>
/// UpstreamTlsContext. As in Envoy, the upstream certificate is verified only when a validation
/// context (trusted CA) is given.
/// </summary>
public sealed record UpstreamTlsConfig(string? Sni, string? TrustedCaPem, IReadOnlyList<string> AlpnProtocols);
