using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads a CORS policy. The per-route message (envoy.extensions.filters.http.cors.v3.CorsPolicy) and the
/// legacy route one (envoy.config.route.v3.CorsPolicy) share their v3 field names; the v2 fields
/// (allow_origin, allow_origin_regex, enabled) are gone from v3 and are reported by Finish.
/// </summary>
public static class CorsPolicyReader
{
    public const string RouteMessageType = "envoy.config.route.v3.CorsPolicy";
    public const string FilterMessageType = "envoy.extensions.filters.http.cors.v3.CorsPolicy";

    /// <summary>Reads a nested policy (a <c>cors</c> field) and reports its leftover fields.</summary>
    public static CorsPolicyConfig Read(MessageReader policy)
    {
        var config = ReadFields(policy);
        policy.Finish();
        return config;
    }

    /// <summary>Reads the fields only: for a typed_per_filter_config message, whose reader the loader finishes.</summary>
    public static CorsPolicyConfig ReadFields(MessageReader policy)
    {
        var origins = policy.Messages("allow_origin_string_match", StringMatcherReader.MessageType).Select(StringMatcherReader.Read).ToArray();
        var config = new CorsPolicyConfig(
            origins,
            policy.String("allow_methods") ?? "",
            policy.String("allow_headers") ?? "",
            policy.String("expose_headers") ?? "",
            policy.String("max_age") ?? "",
            OptionalBool(policy, "allow_credentials"),
            OptionalBool(policy, "allow_private_network_access"),
            OptionalBool(policy, "forward_not_matching_preflights"),
            FractionalPercentReader.ReadRuntime(policy, "filter_enabled"),
            FractionalPercentReader.ReadRuntime(policy, "shadow_enabled"));
        return config;
    }

    /// <summary>A google.protobuf.BoolValue: unset differs from false (the next policy decides).</summary>
    private static bool? OptionalBool(MessageReader policy, string field) =>
        policy.Has(field) ? policy.Bool(field) : Accepted(policy, field);

    private static bool? Accepted(MessageReader policy, string field)
    {
        policy.Accept(field);
        return null;
    }
}
