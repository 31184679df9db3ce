namespace Gateway.Clusters.Model;

/// <summary>A listener's DownstreamTlsContext: the certificate and key (PEM), read at load time.</summary>
public sealed record DownstreamTlsConfig(string CertificateChainPem, string PrivateKeyPem, IReadOnlyList<string> AlpnProtocols)
{
    /// <summary>require_client_certificate: a client without a certificate fails the handshake.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>common_tls_context.validation_context: a client certificate is asked for and, when given, checked; null asks for none.</summary>
    public CertificateValidationConfig? Validation { get; init; }

    /// <summary>True when the handshake asks the client for a certificate.</summary>
    public bool RequestsClientCertificate => RequireClientCertificate || Validation is not null;
}
