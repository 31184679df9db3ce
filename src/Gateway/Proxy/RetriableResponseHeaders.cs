using Gateway.Clusters.Model;
using Gateway.Clusters.Resilience;
using Gateway.Filters.Matching;

namespace Gateway.Proxy;

/// <summary>
/// A retry policy's retriable_headers, compiled once per config load into the test <see cref="RetryPlan"/> applies to
/// an upstream response under retry_on <c>retriable-headers</c>: any matcher matching retries (Envoy's
/// wouldRetryFromHeaders). Values are read as Envoy's matchers read them (<c>:status</c> included).
/// </summary>
internal static class RetriableResponseHeaders
{
    public static Func<HttpResponseMessage, bool>? Compile(IReadOnlyList<HeaderMatcherConfig>? matchers)
    {
        if (matchers is not { Count: > 0 })
        {
            return null;
        }

        var compiled = matchers.Select(m => new HeaderMatcher(m)).ToArray();
        return response =>
        {
            foreach (var matcher in compiled)
            {
                if (matcher.MatchesValue(RetryPlan.ResponseHeaderValue(response, matcher.Name)))
                {
                    return true;
                }
            }

            return false;
        };
    }
}
