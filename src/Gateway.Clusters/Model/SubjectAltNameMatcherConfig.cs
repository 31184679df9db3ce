namespace Gateway.Clusters.Model;

/// <summary>One entry of match_typed_subject_alt_names (or of the legacy match_subject_alt_names, with type Any).</summary>
public sealed record SubjectAltNameMatcherConfig(SubjectAltNameType Type, StringMatcherConfig Matcher);
