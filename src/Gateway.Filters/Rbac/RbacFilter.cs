using Gateway.Clusters.Stats;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Rbac;

/// <summary>
/// Envoy's RBAC filter. Shadow rules are evaluated first and only counted (shadow_allowed/shadow_denied)
/// and published as dynamic metadata (envoy.filters.http.rbac: shadow_effective_policy_id,
/// shadow_engine_result); then the rules decide: a denied request is answered 403
/// <c>RBAC: access denied</c> with details <c>rbac_access_denied_matched_policy[policy|none]</c>.
/// RBACPerRoute replaces both rule sets for a route (without rbac it turns the filter off there).
/// </summary>
public sealed class RbacFilter : IHttpFilter, IReportsStats
{
    public const string MetadataNamespace = "envoy.filters.http.rbac";

    private readonly RbacSettings _settings;
    private readonly RbacStats _stats = new();
    private readonly Stream _stream;
    private readonly HttpStatPrefix _statPrefix;

    public RbacFilter(string name, RbacSettings settings, string statPrefix)
    {
        _statPrefix = new HttpStatPrefix(statPrefix);
        Name = name;
        _settings = settings;
        _stream = new Stream(this);
    }

    public string Name { get; }

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => _stream;

    public void ReportStats(IStatsWriter writer)
    {
        var rules = new HttpFilterStatsWriter(writer, _statPrefix, "rbac." + _settings.RulesStatPrefix);
        rules.Counter("allowed", ref _stats.Allowed);
        rules.Counter("denied", ref _stats.Denied);
        var shadow = new HttpFilterStatsWriter(writer, _statPrefix, "rbac." + _settings.ShadowRulesStatPrefix);
        shadow.Counter("shadow_allowed", ref _stats.ShadowAllowed);
        shadow.Counter("shadow_denied", ref _stats.ShadowDenied);
    }

    private FilterStatus OnRequestHeaders(HttpFilterContext context)
    {
        var settings = (context.HasPerFilterConfigs ? context.PerRouteSettings<RbacSettings>(Name) : null) ?? _settings;
        var http = context.HttpContext;
        if (settings.ShadowRules is { } shadow)
        {
            var allowed = shadow.Allows(http, out var policy, out _);
            Interlocked.Increment(ref allowed ? ref _stats.ShadowAllowed : ref _stats.ShadowDenied);
            var prefix = settings.ShadowRulesStatPrefix;
            if (policy is not null)
            {
                context.DynamicMetadata.Set(MetadataNamespace, prefix + "shadow_effective_policy_id", policy);
            }

            context.DynamicMetadata.Set(MetadataNamespace, prefix + "shadow_engine_result", allowed ? "allowed" : "denied");
        }

        if (settings.Rules is not { } rules)
        {
            return FilterStatus.Continue;
        }

        if (rules.Allows(http, out var effective, out var logged))
        {
            if (logged)
            {
                context.DynamicMetadata.Set("envoy.common", "access_log_hint", true);
            }

            Interlocked.Increment(ref _stats.Allowed);
            return FilterStatus.Continue;
        }

        Interlocked.Increment(ref _stats.Denied);
        return context.SendLocalReply(StatusCodes.Status403Forbidden, "RBAC: access denied", ResponseDetail(effective ?? "none"));
    }

    /// <summary>Envoy's responseDetail: whitespace in the policy name becomes '_' so the access log keeps its fields.</summary>
    private static string ResponseDetail(string policy)
    {
        var chars = policy.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsWhiteSpace(chars[i]))
            {
                chars[i] = '_';
            }
        }

        return $"rbac_access_denied_matched_policy[{new string(chars)}]";
    }

    private sealed class Stream : HttpStreamFilter
    {
        private readonly RbacFilter _filter;

        public Stream(RbacFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) =>
            ValueTask.FromResult(_filter.OnRequestHeaders(context));
    }
}
