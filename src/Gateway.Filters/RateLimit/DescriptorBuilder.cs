using System.Runtime.CompilerServices;
using Gateway.Clusters.Model;
using Gateway.Filters.Grpc.Envoy.RateLimitCommon;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.RateLimit;

/// <summary>
/// Turns a request and the rate_limits that apply to it into RateLimitDescriptors, as Envoy's
/// RateLimitPolicyEntry does: one descriptor per policy, one entry per action in order; an action that
/// cannot produce its entry drops the whole descriptor (request_headers with skip_if_absent drops only its entry).
/// </summary>
internal static class DescriptorBuilder
{
    // header_value_match matchers compiled once per policy object (policies live as long as their config).
    private static readonly ConditionalWeakTable<RateLimitActionConfig, HeaderMatcher[]> Matchers = new();

    public static void Add(List<RateLimitDescriptor> descriptors, IReadOnlyList<RateLimitPolicyConfig> policies, int stage, string localCluster, HttpFilterContext context)
    {
        foreach (var policy in policies)
        {
            if (policy.Stage != stage)
            {
                continue;
            }

            var descriptor = new RateLimitDescriptor();
            var keep = true;
            foreach (var action in policy.Actions)
            {
                if (!AddEntry(descriptor, action, localCluster, context))
                {
                    keep = false;
                    break;
                }
            }

            if (keep && descriptor.Entries.Count > 0)
            {
                descriptors.Add(descriptor);
            }
        }
    }

    private static bool AddEntry(RateLimitDescriptor descriptor, RateLimitActionConfig action, string localCluster, HttpFilterContext context)
    {
        var request = context.HttpContext.Request;
        string? value;
        switch (action.Kind)
        {
            case RateLimitActionKind.SourceCluster:
                // The local service cluster (node.cluster or --service-cluster); empty when neither is set, as in Envoy.
                value = localCluster;
                break;
            case RateLimitActionKind.DestinationCluster:
                value = context.RouteClusterName;
                if (value is null)
                {
                    return false;
                }

                break;
            case RateLimitActionKind.RequestHeaders:
                value = HeaderValue(request, action.HeaderName);
                if (value is null)
                {
                    return action.SkipIfAbsent;
                }

                break;
            case RateLimitActionKind.RemoteAddress:
                var ip = context.HttpContext.Connection.RemoteIpAddress;
                if (ip is null)
                {
                    return false;
                }

                value = (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
                break;
            case RateLimitActionKind.GenericKey:
                value = action.DescriptorValue;
                break;
            case RateLimitActionKind.HeaderValueMatch:
                var matchers = Matchers.GetValue(action, static a => (a.Headers ?? []).Select(h => new HeaderMatcher(h)).ToArray());
                var rawTarget = context.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
                var all = matchers.All(m => m.Matches(request, rawTarget));
                if (all != action.ExpectMatch)
                {
                    return false;
                }

                value = action.DescriptorValue;
                break;
            default:
                return false;
        }

        descriptor.Entries.Add(new RateLimitDescriptor.Types.Entry { Key = action.DescriptorKey, Value = value });
        return true;
    }

    private static string? HeaderValue(HttpRequest request, string name)
    {
        switch (name)
        {
            case ":authority":
                return request.Host.HasValue ? request.Host.Value : null;
            case ":method":
                return request.Method;
            case ":path":
                return request.Path.Value + request.QueryString.Value;
            case ":scheme":
                return request.Scheme;
        }

        var values = request.Headers[name];
        return values.Count == 0 ? null : values.ToString();
    }
}
