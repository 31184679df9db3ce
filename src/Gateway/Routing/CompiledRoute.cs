using Gateway.Clusters.Matching;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Clusters.Model;
using Gateway.Filters.Matching;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Routing;

/// <summary>
/// One route ready to serve: its matcher, its action and everything the action needs per request
/// (header edits merged across route, virtual host and route config; the forwarder's request
/// configs; the timeout header value), all computed once per config load.
/// </summary>
public sealed class CompiledRoute
{
    internal CompiledRoute(RouteConfig config, VirtualHostConfig virtualHost, RouteTableConfig table, Clusters.Runtime.IRuntime? runtime = null)
    {
        Config = config;
        VirtualHost = virtualHost;
        VirtualHostName = virtualHost.Name;
        TypedPerFilterConfig = MergePerFilterConfigs(table.TypedPerFilterConfig, virtualHost.TypedPerFilterConfig, config.TypedPerFilterConfig);
        Name = config.Name ?? "";
        Matcher = new RouteMatcher(config.Match, runtime);
        // Envoy's getRequestHeaderParsers: most specific first unless the table asks for the reverse (then the
        // route, evaluated last, wins); a weighted cluster's edits come before either way (ClusterHeaders).
        HeaderMutationConfig[] levels = table.MostSpecificHeaderMutationsWins
            ? [table.Headers, virtualHost.Headers, config.Headers]
            : [config.Headers, virtualHost.Headers, table.Headers];
        RequestHeaderLevels = levels.Where(l => l.RequestAdd.Count + l.RequestRemove.Count > 0)
            .Select(l => new Proxy.HeaderEditLevel(l.RequestRemove, l.RequestAdd.Select(AccessLog.FormattedHeaderValue.CompileRequest).ToArray())).ToArray();
        ResponseHeaderLevels = levels.Where(l => l.ResponseAdd.Count + l.ResponseRemove.Count > 0)
            .Select(l => new Proxy.HeaderEditLevel(l.ResponseRemove, l.ResponseAdd.Select(AccessLog.FormattedHeaderValue.Compile).ToArray())).ToArray();

        if (config.Forward is { } forward)
        {
            Kind = RouteActionKind.Forward;
            Forward = forward;
            Cluster = forward.Cluster;
            ClusterHeader = forward.ClusterHeader?.ToLowerInvariant();
            Weighted = forward.WeightedClusters is { Count: > 0 } weighted ? new WeightedClusterPicker(weighted) : null;
            RegexRewrite = forward.RegexRewrite is { } rewrite ? RegexCache.Search(rewrite.Pattern) : null;
            RegexSubstitution = forward.RegexRewrite is { } r ? ToDotNetSubstitution(r.Substitution) : null;
            HasRewrite = forward.PrefixRewrite is not null || RegexRewrite is not null;
            HostRegex = forward.HostRewritePathRegex is { } hostRewrite ? RegexCache.Search(hostRewrite.Pattern) : null;
            HostRegexSubstitution = forward.HostRewritePathRegex is { } h ? ToDotNetSubstitution(h.Substitution) : null;
            HasHostRewrite = forward.HostRewriteLiteral is not null || forward.AutoHostRewrite || forward.HostRewriteHeader is not null || HostRegex is not null;
            // Envoy's "new timeouts": with max_stream_duration on the route its timeout no longer applies.
            GlobalTimeout = forward.MaxStreamDuration is null && forward.Timeout > TimeSpan.Zero ? forward.Timeout : TimeSpan.Zero;
            var retryPolicy = forward.RetryPolicy ?? virtualHost.RetryPolicy;
            // x-envoy-expected-rq-timeout-ms: the per-try timeout when it is the shorter one (Envoy's setTimeoutHeaders).
            TimeoutMs = ExpectedTimeoutText(GlobalTimeout, retryPolicy?.PerTryTimeout ?? TimeSpan.Zero);
            // The route timeout is a deadline (armed by the router) and the route idle_timeout is the downstream
            // stream's idle timer (Codec.StreamWatch); the forwarder's own inactivity limit is only a backstop:
            // Envoy's default stream idle timeout (5 minutes) while a route timeout bounds the request, else none.
            var activity = GlobalTimeout > TimeSpan.Zero ? TimeSpan.FromMinutes(5) : TimeSpan.FromDays(1);
            Mirror = Proxy.RequestMirror.Create(forward.MirrorPolicies, runtime);
            BufferLimitBytes = (int)Math.Min(config.PerRequestBufferLimitBytes ?? virtualHost.PerRequestBufferLimitBytes ?? int.MaxValue, int.MaxValue);

            RequestConfigs = new[]
            {
                new ForwarderRequestConfig { ActivityTimeout = activity, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower, AllowResponseBuffering = false },
                new ForwarderRequestConfig { ActivityTimeout = activity, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, AllowResponseBuffering = false },
                new ForwarderRequestConfig { ActivityTimeout = activity, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower, AllowResponseBuffering = false },
            };
            AllowsUpgrade = forward.UpgradeTypes.Count > 0;
            Retry = Clusters.Resilience.RetryPlan.Create(retryPolicy, Proxy.RetriableResponseHeaders.Compile(retryPolicy?.RetriableHeaders));
            RetriableRequestHeaders = retryPolicy is { RetriableRequestHeaders.Count: > 0 } p
                ? p.RetriableRequestHeaders.Select(h => new HeaderMatcher(h)).ToArray()
                : null;
        }
        else if (config.DirectResponse is { } direct)
        {
            Kind = RouteActionKind.DirectResponse;
            DirectStatus = direct.Status;
            DirectBody = direct.Body is null ? null : Encoding.UTF8.GetBytes(direct.Body);
        }
        else
        {
            Kind = RouteActionKind.Redirect;
            Redirect = config.Redirect;
            RedirectRegex = config.Redirect?.RegexRewrite is { } rr ? RegexCache.Search(rr.Pattern) : null;
            RedirectSubstitution = config.Redirect?.RegexRewrite is { } rs ? ToDotNetSubstitution(rs.Substitution) : null;
        }
    }

    public RouteConfig Config { get; }

    public string Name { get; }

    public string VirtualHostName { get; }

    public VirtualHostConfig VirtualHost { get; }

    /// <summary>typed_per_filter_config of the route table, virtual host and route merged once: the most specific entry per filter wins.</summary>
    public IReadOnlyDictionary<string, PerFilterConfig> TypedPerFilterConfig { get; }

    internal RouteMatcher Matcher { get; }

    public RouteActionKind Kind { get; }

    public RouteActionConfig? Forward { get; }

    /// <summary>request_mirror_policies, compiled; null when the route mirrors nothing.</summary>
    internal Proxy.RequestMirror? Mirror { get; }

    /// <summary>The fixed cluster, or null for cluster_header / weighted_clusters.</summary>
    public string? Cluster { get; }

    public string? ClusterHeader { get; }

    internal WeightedClusterPicker? Weighted { get; }

    internal Regex? RegexRewrite { get; }

    internal string? RegexSubstitution { get; }

    public bool HasRewrite { get; }

    /// <summary>host_rewrite_path_regex compiled, with its substitution in .NET syntax.</summary>
    internal Regex? HostRegex { get; }

    internal string? HostRegexSubstitution { get; }

    /// <summary>True when the route rewrites the Host in any of Envoy's four ways.</summary>
    public bool HasHostRewrite { get; }

    /// <summary>
    /// The Host the route's host rewrite gives this request, or null to keep the client's: host_rewrite_literal,
    /// the first value of host_rewrite_header when not empty, or the path (no query) through host_rewrite_path_regex.
    /// auto_host_rewrite is decided by the caller (it needs the chosen upstream host).
    /// </summary>
    public string? RewriteHost(Microsoft.AspNetCore.Http.HttpRequest request, string rawTarget, int pathLength)
    {
        var forward = Forward!;
        if (forward.HostRewriteLiteral is { } literal)
        {
            return literal;
        }

        if (forward.HostRewriteHeader is { } header)
        {
            // An untrusted header: only its first value is used, as Envoy does.
            var values = request.Headers[header];
            return values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        }

        if (HostRegex is { } regex)
        {
            var host = regex.Replace(rawTarget[..pathLength], HostRegexSubstitution!);
            return host.Length > 0 ? host : null;
        }

        return null;
    }

    /// <summary>x-envoy-expected-rq-timeout-ms, or null when the route has no timeout.</summary>
    public string? TimeoutMs { get; }

    /// <summary>The route timeout as the router arms it once the request is complete; zero when none (0s, or max_stream_duration set).</summary>
    public TimeSpan GlobalTimeout { get; }

    /// <summary>per_request_buffer_limit_bytes of the route or virtual host (int.MaxValue when unset): the most request body kept for a retry.</summary>
    public int BufferLimitBytes { get; } = int.MaxValue;

    /// <summary>Envoy's expected-timeout rule: the per-try timeout when set and shorter than the global one, else the global one; null for none.</summary>
    internal static string? ExpectedTimeoutText(TimeSpan global, TimeSpan perTry)
    {
        if (perTry >= global && global > TimeSpan.Zero)
        {
            perTry = TimeSpan.Zero;
        }

        var expected = perTry > TimeSpan.Zero ? perTry : global;
        return expected > TimeSpan.Zero ? ((long)expected.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Indexed by <see cref="UpstreamProtocol"/>: the forwarder config for a cluster speaking it.</summary>
    internal ForwarderRequestConfig[] RequestConfigs { get; } = [];

    /// <summary>The route's retry_policy, compiled; null without one.</summary>
    public Clusters.Resilience.RetryPlan? Retry { get; }

    /// <summary>retriable_request_headers of the retry policy: a request matching none of them is not retried; null when unset.</summary>
    internal HeaderMatcher[]? RetriableRequestHeaders { get; }

    /// <summary>True when upgrade_configs on the route enables an upgrade (WebSocket).</summary>
    public bool AllowsUpgrade { get; }

    public int DirectStatus { get; }

    public byte[]? DirectBody { get; }

    public RedirectConfig? Redirect { get; }

    internal Regex? RedirectRegex { get; }

    /// <summary>The redirect's regex_rewrite substitution in .NET syntax, converted once.</summary>
    internal string? RedirectSubstitution { get; }

    /// <summary>The route's, virtual host's and route configuration's request header edits, one level each (Envoy evaluates each level on its own); empty when none.</summary>
    public Proxy.HeaderEditLevel[] RequestHeaderLevels { get; }

    /// <summary>As <see cref="RequestHeaderLevels"/>, for the response.</summary>
    public Proxy.HeaderEditLevel[] ResponseHeaderLevels { get; }

    /// <summary>Rewrites the request target (path + query) as prefix_rewrite / regex_rewrite say.</summary>
    public string RewriteTarget(string rawTarget, int pathLength)
    {
        // Concatenated from spans of the target: no substrings for the path and query on the way.
        if (Forward?.PrefixRewrite is { } replacement)
        {
            // The rest of the path after the matched prefix, then the query. A prefix that reached into
            // the query string rewrites the whole target up to where it ended.
            var matched = Matcher.Kind is PathMatchKind.Prefix or PathMatchKind.PathSeparatedPrefix ? Matcher.Value.Length : pathLength;
            return string.Concat(replacement, rawTarget.AsSpan(Math.Min(matched, rawTarget.Length)));
        }

        if (RegexRewrite is not null)
        {
            return string.Concat(RegexRewrite.Replace(rawTarget[..pathLength], RegexSubstitution!), rawTarget.AsSpan(pathLength));
        }

        return rawTarget;
    }

    private static IReadOnlyDictionary<string, PerFilterConfig> MergePerFilterConfigs(params IReadOnlyDictionary<string, PerFilterConfig>[] levels)
    {
        if (levels.All(l => l.Count == 0))
        {
            return PerFilterConfig.None;
        }

        var merged = new Dictionary<string, PerFilterConfig>(StringComparer.Ordinal);
        foreach (var level in levels)
        {
            foreach (var (name, entry) in level)
            {
                merged[name] = entry;
            }
        }

        return merged;
    }

    /// <summary>RE2 substitutions write groups as \1; .NET writes $1.</summary>
    internal static string ToDotNetSubstitution(string re2) =>
        Regex.Replace(re2.Replace("$", "$$", StringComparison.Ordinal), @"\\(\d)", "$${$1}");
}
