using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads a CertificateValidationContext (both directions) and a TlsCertificate, with Envoy's checks.</summary>
internal static class CertificateValidationReader
{
    public const string ValidationType = "envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext";

    public static CertificateValidationConfig? Read(MessageReader validation)
    {
        var trustedCa = BootstrapLoader.ReadDataSource(validation.Message("trusted_ca", "envoy.config.core.v3.DataSource"));
        var names = new List<SubjectAltNameMatcherConfig>();
        foreach (var typed in validation.Messages("match_typed_subject_alt_names", "envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher"))
        {
            var type = typed.Enum("san_type", SubjectAltNameType.Any, "envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher.SanType", "OTHER_NAME");
            var matcher = typed.Message("matcher", StringMatcherReader.MessageType);
            if (!typed.Has("san_type") || type is SubjectAltNameType.Any)
            {
                typed.Context.Error(typed.Join("san_type"), typed.Has("san_type") ? typed.MarkOf("san_type") : typed.Mark,
                    "san_type must be DNS, EMAIL, URI or IP_ADDRESS (the kind of subject alt name the matcher reads)");
            }

            if (matcher is null)
            {
                typed.Context.Error(typed.Join("matcher"), typed.Mark, "missing required field 'matcher'");
            }
            else
            {
                names.Add(new SubjectAltNameMatcherConfig(type, StringMatcherReader.Read(matcher)));
            }

            typed.Finish();
        }

        foreach (var legacy in validation.Messages("match_subject_alt_names", StringMatcherReader.MessageType))
        {
            names.Add(new SubjectAltNameMatcherConfig(SubjectAltNameType.Any, StringMatcherReader.Read(legacy)));
        }

        var trust = validation.String("trust_chain_verification");
        var acceptUntrusted = trust is not null && trust.Equals("ACCEPT_UNTRUSTED", StringComparison.OrdinalIgnoreCase);
        if (trust is not null && !acceptUntrusted && !trust.Equals("VERIFY_TRUST_CHAIN", StringComparison.OrdinalIgnoreCase))
        {
            validation.Context.Error(validation.Join("trust_chain_verification"), validation.MarkOf("trust_chain_verification"),
                $"invalid value '{trust}' for enum envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.TrustChainVerification; expected VERIFY_TRUST_CHAIN or ACCEPT_UNTRUSTED");
        }

        validation.Finish();
        if (names.Count > 0 && trustedCa is null)
        {
            validation.Context.Error(validation.Path, validation.Mark,
                "SAN-based verification of peer certificates without trusted CA is insecure and not allowed; add trusted_ca");
            return null;
        }

        if (trustedCa is not null && !HasCertificate(trustedCa))
        {
            validation.Context.Error(validation.Join("trusted_ca"), validation.MarkOf("trusted_ca"), "trusted_ca holds no PEM certificate; give the CA's certificate(s) in PEM");
            return null;
        }

        return new CertificateValidationConfig(trustedCa, names, acceptUntrusted);
    }

    /// <summary>The first tls_certificates entry as PEM (chain, key), checked to parse; null after reporting an error.</summary>
    public static (string Chain, string Key)? ReadCertificate(MessageReader certificate)
    {
        var chainPem = BootstrapLoader.ReadDataSource(certificate.Message("certificate_chain", "envoy.config.core.v3.DataSource"));
        var keyPem = BootstrapLoader.ReadDataSource(certificate.Message("private_key", "envoy.config.core.v3.DataSource"));
        certificate.Finish();
        if (chainPem is null || keyPem is null)
        {
            certificate.Context.Error(certificate.Path, certificate.Mark, "tls_certificates needs certificate_chain and private_key");
            return null;
        }

        try
        {
            using var probe = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(chainPem, keyPem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            certificate.Context.Error(certificate.Path, certificate.Mark, $"the certificate or private key is not valid PEM: {e.Message}");
            return null;
        }

        return (chainPem, keyPem);
    }

    private static bool HasCertificate(string pem)
    {
        try
        {
            var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            collection.ImportFromPem(pem);
            var any = collection.Count > 0;
            foreach (var c in collection)
            {
                c.Dispose();
            }

            return any;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
