namespace Gateway.Clusters.Model;

/// <summary>A listener's DownstreamTlsContext: the certificate and key (PEM), read at load time.</summary>
public sealed record DownstreamTlsConfig(string CertificateChainPem, string PrivateKeyPem, IReadOnlyList<string> AlpnProtocols);
