namespace Gateway.Clusters.Model;

/// <summary>
/// UpstreamTlsContext. As in Envoy, the upstream certificate is verified only when a validation
/// context (trusted CA) is given.
/// </summary>
/// <param name="Protocols">TLS versions allowed (tls_params; Envoy's upstream default is 1.2 to 1.3).</param>
public sealed record UpstreamTlsConfig(
    string? Sni,
    string? TrustedCaPem,
    IReadOnlyList<string> AlpnProtocols,
    System.Security.Authentication.SslProtocols Protocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
