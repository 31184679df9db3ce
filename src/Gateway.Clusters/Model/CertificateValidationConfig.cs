namespace Gateway.Clusters.Model;

/// <summary>
/// A CertificateValidationContext: the CA the peer's chain must lead to, and the subject alt names one
/// of which it must carry. Envoy checks names only through these matchers (never against SNI), and
/// refuses SAN matchers without a CA.
/// </summary>
/// <param name="AcceptUntrusted">trust_chain_verification ACCEPT_UNTRUSTED: the chain is not checked (names still are).</param>
public sealed record CertificateValidationConfig(string? TrustedCaPem, IReadOnlyList<SubjectAltNameMatcherConfig> SubjectAltNames, bool AcceptUntrusted = false);
