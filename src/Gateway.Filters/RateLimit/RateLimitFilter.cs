using System.Globalization;
using System.Text;
using Gateway.Clusters.Model;
using Gateway.Clusters.Stats;
using Gateway.Clusters.Table;
using Gateway.Filters.Callouts;
using Gateway.Filters.Grpc.Envoy.RateLimit;
using Gateway.Filters.Grpc.Envoy.RateLimitCommon;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.RateLimit;

/// <summary>
/// envoy.filters.http.ratelimit: builds descriptors from the route's (and virtual host's) rate_limits and
/// asks a rate limit service (envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit) through its
/// cluster. OVER_LIMIT answers 429 (flag RL); an unreachable or slow service lets the request through
/// unless failure_mode_deny (500, flag RLSE). Requests no descriptor applies to cost no call.
/// </summary>
public sealed partial class RateLimitFilter : HttpStreamFilter, IHttpFilter, IReportsStats
{
    public const string MetadataNamespace = "envoy.filters.http.ratelimit";

    internal const int Ok = 0;
    internal const int OverLimit = 1;
    internal const int Error = 2;
    internal const int FailureModeAllowed = 3;

    private readonly RateLimitSettings _settings;
    private readonly string _localCluster;
    private readonly ILogger _logger;

    public RateLimitFilter(RateLimitSettings settings, string localCluster, ILogger logger)
    {
        _settings = settings;
        _localCluster = localCluster;
        _logger = logger;
        Stats = new ClusterScopedCounters(settings.StatPrefix.Length == 0 ? "ratelimit" : "ratelimit." + settings.StatPrefix,
            "ok", "over_limit", "error", "failure_mode_allowed");
    }

    public string Name => _settings.FilterName;

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    /// <summary><c>cluster.&lt;route cluster&gt;.ratelimit.{ok,over_limit,error,failure_mode_allowed}</c>.</summary>
    public ClusterScopedCounters Stats { get; }

    public void ReportStats(IStatsWriter writer) => Stats.ReportStats(writer);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => this;

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        if (context.RouteEntry?.Forward is not { } action || !AppliesToRequestType(context.HttpContext.Request))
        {
            return Continue;
        }

        var perRoute = context.HasPerFilterConfigs ? context.PerRouteSettings<RateLimitPerRouteSettings>(Name) : null;
        var vhost = perRoute?.VhRateLimits ?? (action.IncludeVirtualHostRateLimits ? VhRateLimitsOption.Include : VhRateLimitsOption.Override);
        var vhostLimits = context.VirtualHost?.RateLimits ?? [];
        if (action.RateLimits.Count == 0 && (vhost == VhRateLimitsOption.Ignore || vhostLimits.Count == 0))
        {
            return Continue;
        }

        var descriptors = new List<RateLimitDescriptor>();
        DescriptorBuilder.Add(descriptors, action.RateLimits, _settings.Stage, _localCluster, context);
        if (vhost == VhRateLimitsOption.Include || (vhost == VhRateLimitsOption.Override && action.RateLimits.Count == 0))
        {
            DescriptorBuilder.Add(descriptors, vhostLimits, _settings.Stage, _localCluster, context);
        }

        return descriptors.Count == 0 ? Continue : CallAsync(context, perRoute?.Domain ?? _settings.Domain, descriptors);
    }

    private bool AppliesToRequestType(HttpRequest request) => _settings.RequestType switch
    {
        "internal" => request.Headers["x-envoy-internal"] == "true",
        "external" => request.Headers["x-envoy-internal"] != "true",
        _ => true,
    };

    private async ValueTask<FilterStatus> CallAsync(HttpFilterContext context, string domain, List<RateLimitDescriptor> descriptors)
    {
        var aborted = context.HttpContext.RequestAborted;
        var request = new RateLimitRequest { Domain = domain };
        request.Descriptors.AddRange(descriptors);
        ClusterEntry? entry = null;
        if (_settings.GoogleGrpcTarget is { } target)
        {
            entry = GoogleGrpcTargets.For(target);
        }
        else
        {
            context.Clusters.TryGet(_settings.ClusterName, out entry);
        }

        RateLimitResponse? response = null;
        if (entry is not null)
        {
            var (outcome, answer, _) = await GrpcCallout.CallAsync(entry,
                (invoker, options) => new RateLimitService.RateLimitServiceClient(invoker).ShouldRateLimitAsync(request, options),
                _settings.Timeout, null, aborted).ConfigureAwait(false);
            if (outcome == CalloutOutcome.Aborted || aborted.IsCancellationRequested)
            {
                return FilterStatus.StopIteration;
            }

            response = outcome == CalloutOutcome.Response ? answer : null;
        }

        var cluster = context.RouteClusterName;
        if (response is null || response.OverallCode == RateLimitResponse.Types.Code.Unknown)
        {
            Stats.Increment(cluster, Error);
            Log.ServiceFailed(_logger, Name, _settings.ClusterName);
            if (_settings.FailureModeDeny)
            {
                return context.SendLocalReply(new LocalReplyData(_settings.StatusOnError, ReadOnlyMemory<byte>.Empty, "rate_limiter_error", "RLSE"));
            }

            Stats.Increment(cluster, FailureModeAllowed);
            return FilterStatus.Continue;
        }

        if (response.DynamicMetadata is { } metadata)
        {
            foreach (var (key, value) in StructValues.ToDictionary(metadata))
            {
                context.DynamicMetadata.Set(MetadataNamespace, key, value);
            }
        }

        var responseHeaders = new List<KeyValuePair<string, string>>();
        foreach (var header in response.ResponseHeadersToAdd)
        {
            responseHeaders.Add(new(header.Key, header.Value));
        }

        if (_settings.XRateLimitHeaders)
        {
            AddXRateLimitHeaders(responseHeaders, response);
        }

        if (response.OverallCode == RateLimitResponse.Types.Code.OverLimit)
        {
            Stats.Increment(cluster, OverLimit);
            if (!_settings.DisableXEnvoyRateLimitedHeader)
            {
                responseHeaders.Add(new("x-envoy-ratelimited", "true"));
            }

            var body = response.RawBody.IsEmpty ? ReadOnlyMemory<byte>.Empty : response.RawBody.ToByteArray();
            return context.SendLocalReply(new LocalReplyData(_settings.RateLimitedStatus, body, "request_rate_limited", "RL",
                h => AddAll(h, responseHeaders)));
        }

        Stats.Increment(cluster, Ok);
        foreach (var header in response.RequestHeadersToAdd)
        {
            context.HttpContext.Request.Headers[header.Key] = header.Value;
        }

        if (responseHeaders.Count > 0)
        {
            context.HttpContext.Response.OnStarting(static state =>
            {
                var (http, list) = ((HttpContext, List<KeyValuePair<string, string>>))state;
                AddAll(http.Response.Headers, list);
                return Task.CompletedTask;
            }, (context.HttpContext, responseHeaders));
        }

        return FilterStatus.Continue;
    }

    /// <summary>
    /// draft-ietf-httpapi-ratelimit-headers-03 as Envoy writes it: the descriptor status with the least
    /// remaining decides; the limit lists every limit as <c>N;w=SECONDS[;name="..."]</c>.
    /// </summary>
    private static void AddXRateLimitHeaders(List<KeyValuePair<string, string>> headers, RateLimitResponse response)
    {
        RateLimitResponse.Types.DescriptorStatus? min = null;
        foreach (var status in response.Statuses)
        {
            if (status.CurrentLimit is not null && (min is null || status.LimitRemaining < min.LimitRemaining))
            {
                min = status;
            }
        }

        if (min is null)
        {
            return;
        }

        var limit = new StringBuilder();
        limit.Append(min.CurrentLimit.RequestsPerUnit.ToString(CultureInfo.InvariantCulture));
        foreach (var status in response.Statuses)
        {
            if (status.CurrentLimit is not { } current)
            {
                continue;
            }

            limit.Append(", ").Append(current.RequestsPerUnit.ToString(CultureInfo.InvariantCulture))
                .Append(";w=").Append(UnitSeconds(current.Unit).ToString(CultureInfo.InvariantCulture));
            if (current.Name.Length != 0)
            {
                limit.Append(";name=\"").Append(current.Name).Append('"');
            }
        }

        headers.Add(new("x-ratelimit-limit", limit.ToString()));
        headers.Add(new("x-ratelimit-remaining", min.LimitRemaining.ToString(CultureInfo.InvariantCulture)));
        if (min.DurationUntilReset is { } reset)
        {
            headers.Add(new("x-ratelimit-reset", reset.Seconds.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static long UnitSeconds(RateLimitResponse.Types.RateLimit.Types.Unit unit) => unit switch
    {
        RateLimitResponse.Types.RateLimit.Types.Unit.Second => 1,
        RateLimitResponse.Types.RateLimit.Types.Unit.Minute => 60,
        RateLimitResponse.Types.RateLimit.Types.Unit.Hour => 3600,
        RateLimitResponse.Types.RateLimit.Types.Unit.Day => 86400,
        RateLimitResponse.Types.RateLimit.Types.Unit.Month => 2592000,
        RateLimitResponse.Types.RateLimit.Types.Unit.Year => 31536000,
        _ => 0,
    };

    private static void AddAll(IHeaderDictionary target, List<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            target.Append(name, value);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "RateLimitServiceError", Level = LogLevel.Debug,
            Message = "ratelimit '{Filter}': the rate limit service (cluster '{Cluster}') could not be asked")]
        public static partial void ServiceFailed(ILogger logger, string filter, string cluster);
    }
}
