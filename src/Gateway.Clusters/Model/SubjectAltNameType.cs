namespace Gateway.Clusters.Model;

/// <summary>SubjectAltNameMatcher.san_type; Any is the legacy match_subject_alt_names (every SAN of the certificate).</summary>
public enum SubjectAltNameType
{
    Any,
    Dns,
    Email,
    Uri,
    IpAddress,
}
