namespace Gateway.Clusters.Model;

/// <summary>
/// One envoy.config.route.v3.RateLimit.Action: which descriptor entry it adds (key and where the value
/// comes from). Fields not used by a kind are empty.
/// </summary>
/// <param name="DescriptorKey">The entry key (request_headers.descriptor_key, generic_key.descriptor_key, ...).</param>
/// <param name="DescriptorValue">generic_key / header_value_match descriptor_value.</param>
/// <param name="HeaderName">request_headers.header_name (lower case).</param>
/// <param name="SkipIfAbsent">request_headers.skip_if_absent: a missing header drops the entry, not the descriptor.</param>
/// <param name="ExpectMatch">header_value_match.expect_match (default true).</param>
/// <param name="Headers">header_value_match.headers.</param>
public sealed record RateLimitActionConfig(
    RateLimitActionKind Kind,
    string DescriptorKey,
    string DescriptorValue = "",
    string HeaderName = "",
    bool SkipIfAbsent = false,
    bool ExpectMatch = true,
    IReadOnlyList<HeaderMatcherConfig>? Headers = null);
