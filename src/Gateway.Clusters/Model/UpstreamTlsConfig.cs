namespace Gateway.Clusters.Model;

/// <summary>
/// UpstreamTlsContext. As in Envoy, the upstream certificate is verified only when a validation
/// context (trusted CA) is given, and its names only through that context's SAN matchers.
/// </summary>
/// <param name="Validation">common_tls_context.validation_context; null accepts any certificate.</param>
/// <param name="Protocols">TLS versions allowed (tls_params; Envoy's upstream default is 1.2 to 1.3).</param>
public sealed record UpstreamTlsConfig(
    string? Sni,
    CertificateValidationConfig? Validation,
    IReadOnlyList<string> AlpnProtocols,
    System.Security.Authentication.SslProtocols Protocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13)
{
    /// <summary>common_tls_context.tls_certificates[0]: the client certificate chain (PEM) the gateway presents; null for none.</summary>
    public string? ClientCertificateChainPem { get; init; }

    /// <summary>The client certificate's private key (PEM).</summary>
    public string? ClientPrivateKeyPem { get; init; }
}
