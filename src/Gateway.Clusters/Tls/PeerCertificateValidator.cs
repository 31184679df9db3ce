using System.Security.Cryptography.X509Certificates;
using Gateway.Clusters.Matching;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Tls;

/// <summary>
/// A CertificateValidationContext compiled once per config load, as Envoy's DefaultCertValidator applies
/// it: the peer's chain must lead to trusted_ca (unless ACCEPT_UNTRUSTED), and when SAN matchers are
/// given one of them must match one of the certificate's names of its type (an exact DNS matcher
/// follows DNS wildcard rules). Names are never checked against SNI.
/// </summary>
public sealed class PeerCertificateValidator
{
    private readonly X509Certificate2Collection? _roots;
    private readonly Compiled[] _names;
    private readonly bool _acceptUntrusted;

    public PeerCertificateValidator(CertificateValidationConfig config)
    {
        if (config.TrustedCaPem is { } pem)
        {
            _roots = new X509Certificate2Collection();
            _roots.ImportFromPem(pem);
        }

        _names = config.SubjectAltNames.Select(n => new Compiled(n.Type, new StringMatcher(n.Matcher), n.Matcher.Kind == StringMatchKind.Exact ? n.Matcher.Value : null)).ToArray();
        _acceptUntrusted = config.AcceptUntrusted;
    }

    /// <summary>
    /// A listener's client certificate rule (require_client_certificate, validation_context): a missing certificate
    /// fails only when required, a given one must pass the validation context (any passes without one).
    /// </summary>
    public static Func<X509Certificate?, X509Chain?, bool> ForClients(DownstreamTlsConfig tls)
    {
        var validator = tls.Validation is { } validation ? new PeerCertificateValidator(validation) : null;
        var required = tls.RequireClientCertificate;
        return (certificate, chain) => certificate is null ? !required : validator?.Verify(certificate, chain) ?? true;
    }

    /// <summary>True when <paramref name="certificate"/> passes; <paramref name="presented"/> carries the intermediates the peer sent.</summary>
    public bool Verify(X509Certificate? certificate, X509Chain? presented)
    {
        if (certificate is null)
        {
            return false;
        }

        var owned = certificate as X509Certificate2 is null;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            if (_roots is not null && !_acceptUntrusted && !ChainsToRoots(leaf, presented))
            {
                return false;
            }

            return _names.Length == 0 || MatchesAName(leaf);
        }
        finally
        {
            if (owned)
            {
                leaf.Dispose();
            }
        }
    }

    private bool ChainsToRoots(X509Certificate2 leaf, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // The peer's intermediates, as the TLS layer collected them.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }

    private bool MatchesAName(X509Certificate2 leaf)
    {
        var names = SubjectAltNames.Of(leaf);
        foreach (var matcher in _names)
        {
            foreach (var (type, value) in names)
            {
                if (matcher.Type != SubjectAltNameType.Any && matcher.Type != type)
                {
                    continue;
                }

                var matched = type == SubjectAltNameType.Dns && matcher.Exact is { } exact
                    ? DnsNameMatches(exact, value)
                    : matcher.Matcher.Matches(value);
                if (matched)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Envoy's Utility::dnsNameMatch: case-insensitive, and a <c>*.</c> certificate name covers exactly one label.</summary>
    internal static bool DnsNameMatches(string name, string pattern)
    {
        if (string.Equals(name, pattern, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (pattern.Length > 1 && pattern[0] == '*' && pattern[1] == '.' && name.Length > pattern.Length - 1)
        {
            var offset = name.Length - pattern.Length + 1;
            return !name.AsSpan(0, offset).Contains('.') && name.AsSpan(offset).Equals(pattern.AsSpan(1), StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private sealed record Compiled(SubjectAltNameType Type, StringMatcher Matcher, string? Exact);
}
