using Gateway.Clusters.Matching;
using Gateway.Clusters.Runtime;
using System.Runtime.CompilerServices;
using Gateway.Clusters.Stats;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Csrf;

/// <summary>
/// Envoy's csrf filter: a POST, PUT, DELETE or PATCH whose source origin (origin header, else referer)
/// is neither the destination (host) nor one of additional_origins is answered 403 <c>Invalid origin</c>
/// (details csrf_origin_mismatch) while filter_enabled; in shadow mode only the stats count it.
/// </summary>
public sealed class CsrfFilter : IHttpFilter, IReportsStats
{
    private static readonly ConditionalWeakTable<CsrfPolicySettings, CompiledPolicy> PerRoute = new();

    private readonly CompiledPolicy _policy;
    private readonly CsrfStats _stats = new();
    private readonly Stream _stream;
    private readonly HttpStatPrefix _statPrefix;

    private readonly IRuntime? _runtime;

    public CsrfFilter(string name, CsrfPolicySettings settings, string statPrefix, IRuntime? runtime = null)
    {
        _runtime = runtime;
        _statPrefix = new HttpStatPrefix(statPrefix);
        Name = name;
        _policy = new CompiledPolicy(settings);
        _stream = new Stream(this);
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    // Stateless per request: one shared stream filter.
    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => _stream;

    public void ReportStats(IStatsWriter writer)
    {
        var stats = new HttpFilterStatsWriter(writer, _statPrefix, "csrf.");
        stats.Counter("missing_source_origin", ref _stats.MissingSourceOrigin);
        stats.Counter("request_invalid", ref _stats.RequestInvalid);
        stats.Counter("request_valid", ref _stats.RequestValid);
    }

    private FilterStatus OnRequestHeaders(HttpFilterContext context)
    {
        var policy = context.HasPerFilterConfigs && context.PerRouteSettings<CsrfPolicySettings>(Name) is { } route
            ? PerRoute.GetValue(route, static s => new CompiledPolicy(s))
            : _policy;
        var enabled = _runtime.IsEnabled(policy.Settings.FilterEnabled);
        var shadow = _runtime.IsEnabled(policy.Settings.ShadowEnabled);
        var request = context.HttpContext.Request;
        if ((!enabled && !shadow) || !IsModifyMethod(request.Method))
        {
            return FilterStatus.Continue;
        }

        var valid = true;
        var source = SourceOrigin(request.Headers);
        if (source.Length == 0)
        {
            valid = false;
            Interlocked.Increment(ref _stats.MissingSourceOrigin);
        }

        if (!IsValid(policy, source, request))
        {
            valid = false;
            Interlocked.Increment(ref _stats.RequestInvalid);
        }

        if (valid)
        {
            Interlocked.Increment(ref _stats.RequestValid);
            return FilterStatus.Continue;
        }

        if (shadow && !enabled)
        {
            return FilterStatus.Continue;
        }

        return context.SendLocalReply(StatusCodes.Status403Forbidden, "Invalid origin", "csrf_origin_mismatch");
    }

    private static bool IsModifyMethod(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsPatch(method);

    private static string SourceOrigin(IHeaderDictionary headers)
    {
        var origin = HostAndPort(headers.Origin.ToString());
        return origin.Length != 0 ? origin : HostAndPort(headers.Referer.ToString());
    }

    /// <summary>Envoy's hostAndPort: the authority of an absolute URL, else the value as given.</summary>
    private static string HostAndPort(string url)
    {
        if (url.Length == 0)
        {
            return "";
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return url;
        }

        var start = scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        return authority.Length == 0 ? url : authority;
    }

    private static bool IsValid(CompiledPolicy policy, string source, HttpRequest request)
    {
        // Envoy's targetOriginValue: the host header (read as an absolute URL's authority).
        var target = request.Headers.Host.ToString();
        if (target.Length != 0 && source == HostAndPort("http://" + target))
        {
            return true;
        }

        foreach (var matcher in policy.AdditionalOrigins)
        {
            if (matcher.Matches(source))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class CompiledPolicy
    {
        public CompiledPolicy(CsrfPolicySettings settings)
        {
            Settings = settings;
            AdditionalOrigins = settings.AdditionalOrigins.Select(o => new StringMatcher(o)).ToArray();
        }

        public CsrfPolicySettings Settings { get; }

        public StringMatcher[] AdditionalOrigins { get; }
    }

    private sealed class Stream : HttpStreamFilter
    {
        private readonly CsrfFilter _filter;

        public Stream(CsrfFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) =>
            ValueTask.FromResult(_filter.OnRequestHeaders(context));
    }
}
