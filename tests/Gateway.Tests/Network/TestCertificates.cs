using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Network;

/// <summary>Self-signed certificates for one host name, as an X509Certificate2 and as PEM for envoy.yaml.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Create(string hostName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A DownstreamTlsContext transport_socket block with the certificate inline (indented for a filter chain item).</summary>
    public static string TransportSocket(X509Certificate2 certificate, int indent)
    {
        var chain = certificate.ExportCertificatePem();
        var key = certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
        var yaml = $"""
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                common_tls_context:
                  tls_certificates:
                  - certificate_chain:
                      inline_string: |
            {Block(chain, 12)}
                    private_key:
                      inline_string: |
            {Block(key, 12)}
            """;
        return Support.EnvoyYaml.Indent(yaml, indent);
    }

    private static string Block(string pem, int spaces) =>
        string.Join('\n', pem.Trim().Split('\n').Select(l => new string(' ', spaces) + l.TrimEnd('\r')));
}
