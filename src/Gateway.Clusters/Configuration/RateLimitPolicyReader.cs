using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads <c>rate_limits</c> (route action and virtual host) into <see cref="RateLimitPolicyConfig"/>s for the ratelimit filter.</summary>
internal static class RateLimitPolicyReader
{
    public static IReadOnlyList<RateLimitPolicyConfig> Read(MessageReader owner)
    {
        var result = new List<RateLimitPolicyConfig>();
        foreach (var policy in owner.Messages("rate_limits", "envoy.config.route.v3.RateLimit"))
        {
            var stage = (int)(policy.Integer("stage", 0, 10) ?? 0);
            var disableKey = policy.String("disable_key") ?? "";
            var actions = new List<RateLimitActionConfig>();
            foreach (var action in policy.Messages("actions", "envoy.config.route.v3.RateLimit.Action"))
            {
                if (ReadAction(action) is { } read)
                {
                    actions.Add(read);
                }

                action.Finish();
            }

            if (actions.Count == 0 && !policy.Has("actions"))
            {
                policy.Context.Error(policy.Join("actions"), policy.Mark, "a rate limit needs at least one action");
            }

            policy.Unsupported("limit", "the descriptor's limit override is not sent by this gateway");
            policy.Unsupported("hits_addend");
            policy.Unsupported("apply_on_stream_done");
            policy.Finish();
            result.Add(new RateLimitPolicyConfig(stage, disableKey, actions));
        }

        return result;
    }

    private static RateLimitActionConfig? ReadAction(MessageReader action)
    {
        if (action.Message("source_cluster", "envoy.config.route.v3.RateLimit.Action.SourceCluster") is { } source)
        {
            source.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.SourceCluster, "source_cluster");
        }

        if (action.Message("destination_cluster", "envoy.config.route.v3.RateLimit.Action.DestinationCluster") is { } destination)
        {
            destination.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.DestinationCluster, "destination_cluster");
        }

        if (action.Message("request_headers", "envoy.config.route.v3.RateLimit.Action.RequestHeaders") is { } headers)
        {
            var name = headers.RequiredString("header_name").ToLowerInvariant();
            var key = headers.RequiredString("descriptor_key");
            var skip = headers.Bool("skip_if_absent");
            headers.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.RequestHeaders, key, HeaderName: name, SkipIfAbsent: skip);
        }

        if (action.Message("remote_address", "envoy.config.route.v3.RateLimit.Action.RemoteAddress") is { } remote)
        {
            remote.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.RemoteAddress, "remote_address");
        }

        if (action.Message("generic_key", "envoy.config.route.v3.RateLimit.Action.GenericKey") is { } generic)
        {
            var value = generic.RequiredString("descriptor_value");
            var key = generic.String("descriptor_key");
            generic.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.GenericKey, string.IsNullOrEmpty(key) ? "generic_key" : key, value);
        }

        if (action.Message("header_value_match", "envoy.config.route.v3.RateLimit.Action.HeaderValueMatch") is { } match)
        {
            var value = match.RequiredString("descriptor_value");
            var key = match.String("descriptor_key");
            var expect = match.Bool("expect_match", true);
            var matchers = match.Messages("headers", "envoy.config.route.v3.HeaderMatcher").Select(RouteConfigReader.ReadHeaderMatcher).ToArray();
            match.Finish();
            return new RateLimitActionConfig(RateLimitActionKind.HeaderValueMatch, string.IsNullOrEmpty(key) ? "header_match" : key, value,
                ExpectMatch: expect, Headers: matchers);
        }

        foreach (var field in (ReadOnlySpan<string>)["dynamic_metadata", "metadata", "extension", "masked_remote_address", "query_parameter_value_match", "query_parameters"])
        {
            if (action.Has(field))
            {
                action.Unsupported(field, "supported actions: source_cluster, destination_cluster, request_headers, remote_address, generic_key, header_value_match");
                return null;
            }
        }

        action.Context.Error(action.Path, action.Mark, "a rate limit action needs one of source_cluster, destination_cluster, request_headers, remote_address, generic_key, header_value_match");
        return null;
    }
}
