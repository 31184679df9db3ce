using Gateway.Clusters.Model;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.AccessLog;

/// <summary>Compiles an AccessLogFilter config once per load into a predicate (header matchers and regexes built once).</summary>
public static class AccessLogFilterCompiler
{
    public static Func<AccessLogFilterInput, bool> Compile(AccessLogFilterConfig config) => config switch
    {
        StatusCodeFilterConfig status => input => Compare(status.Op, input.Status, status.Value),
        DurationFilterConfig duration => input => Compare(duration.Op, input.DurationMs, duration.Value),
        HeaderFilterConfig header => CompileHeader(header),
        ResponseFlagFilterConfig flags => input => HasFlag(input.ResponseFlags, flags.Flags),
        NotHealthCheckFilterConfig => input => !input.State.IsHealthCheck,
        TraceableFilterConfig => _ => false,
        CompositeFilterConfig { All: true } all => CompileAll(all.Filters.Select(Compile).ToArray()),
        CompositeFilterConfig any => CompileAny(any.Filters.Select(Compile).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config, "unknown access log filter kind"),
    };

    private static Func<AccessLogFilterInput, bool> CompileHeader(HeaderFilterConfig config)
    {
        var matcher = new HeaderMatcher(config.Header);
        return input =>
        {
            var http = input.State.HttpContext;
            return matcher.Matches(http.Request, http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "");
        };
    }

    private static Func<AccessLogFilterInput, bool> CompileAll(Func<AccessLogFilterInput, bool>[] filters) => input =>
    {
        foreach (var filter in filters)
        {
            if (!filter(input))
            {
                return false;
            }
        }

        return true;
    };

    private static Func<AccessLogFilterInput, bool> CompileAny(Func<AccessLogFilterInput, bool>[] filters) => input =>
    {
        foreach (var filter in filters)
        {
            if (filter(input))
            {
                return true;
            }
        }

        return false;
    };

    private static bool Compare(ComparisonOp op, long actual, long value) => op switch
    {
        ComparisonOp.Ge => actual >= value,
        ComparisonOp.Le => actual <= value,
        ComparisonOp.Ne => actual != value,
        _ => actual == value,
    };

    /// <summary>Envoy: an empty flag list matches any flag set; flags are comma-separated in %RESPONSE_FLAGS%.</summary>
    private static bool HasFlag(string? set, IReadOnlyList<string> wanted)
    {
        if (string.IsNullOrEmpty(set) || set == "-")
        {
            return false;
        }

        if (wanted.Count == 0)
        {
            return true;
        }

        foreach (var flag in set.Split(','))
        {
            if (wanted.Contains(flag, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
