using Gateway.Clusters.Stats;
using Gateway.Filters.Callouts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// envoy.filters.http.ext_authz: asks an authorization service (gRPC Check or HTTP) about each request
/// before it goes on, through the service's cluster (its pool, breaker and stats). Allowed: the
/// service's header changes are applied and the request continues. Denied: the service's status,
/// headers and body go to the client (flag UAEX). Service unreachable, slow or broken: status_on_error
/// (403), or the request continues with failure_mode_allow.
/// </summary>
public sealed partial class ExtAuthzFilter : HttpStreamFilter, IHttpFilter, IReportsStats
{
    /// <summary>The dynamic metadata namespace the service's metadata is written to.</summary>
    public const string MetadataNamespace = "envoy.filters.http.ext_authz";

    internal const int Ok = 0;
    internal const int Denied = 1;
    internal const int Error = 2;
    internal const int Disabled = 3;
    internal const int FailureModeAllowed = 4;

    private const string FailureModeAllowedHeader = "x-envoy-auth-failure-mode-allowed";

    private readonly ExtAuthzSettings _settings;
    private readonly IAuthorizationClient _client;
    private readonly ILogger _logger;

    public ExtAuthzFilter(ExtAuthzSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _client = settings.Transport == ExtAuthzTransport.Grpc ? new GrpcAuthorizationClient(settings) : new HttpAuthorizationClient(settings);
        Stats = new ClusterScopedCounters(settings.StatPrefix.Length == 0 ? "ext_authz" : "ext_authz." + settings.StatPrefix,
            "ok", "denied", "error", "disabled", "failure_mode_allowed");
        Phases = settings.WithRequestBody is null ? HttpFilterPhases.RequestHeaders : HttpFilterPhases.RequestHeaders | HttpFilterPhases.RequestData;
    }

    public string Name => _settings.FilterName;

    public HttpFilterPhases Phases { get; }

    public ExtAuthzSettings Settings => _settings;

    /// <summary><c>cluster.&lt;route cluster&gt;.ext_authz.{ok,denied,error,disabled,failure_mode_allowed}</c>.</summary>
    public ClusterScopedCounters Stats { get; }

    public void ReportStats(IStatsWriter writer) => Stats.ReportStats(writer);

    /// <summary>Without body buffering the filter keeps no per-request state and serves every request itself.</summary>
    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => _settings.WithRequestBody is null ? this : new BodyBufferingStream(this);

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        var perRoute = context.HasPerFilterConfigs ? context.PerRouteSettings<ExtAuthzPerRouteSettings>(Name) : null;
        if (perRoute?.Disabled == true)
        {
            Stats.Increment(context.RouteClusterName, Disabled);
            return Continue;
        }

        return CheckAsync(context, perRoute, ReadOnlyMemory<byte>.Empty);
    }

    internal async ValueTask<FilterStatus> CheckAsync(HttpFilterContext context, ExtAuthzPerRouteSettings? perRoute, ReadOnlyMemory<byte> body)
    {
        var aborted = context.HttpContext.RequestAborted;
        var response = await _client.CheckAsync(context, perRoute, body, aborted).ConfigureAwait(false);
        if (aborted.IsCancellationRequested)
        {
            return FilterStatus.StopIteration;
        }

        switch (response.Verdict)
        {
            case AuthorizationVerdict.Ok:
                Stats.Increment(context.RouteClusterName, Ok);
                Apply(context, response);
                return FilterStatus.Continue;

            case AuthorizationVerdict.Denied:
                Stats.Increment(context.RouteClusterName, Denied);
                Log.Denied(_logger, Name, response.Status);
                var headers = response.ResponseHeaders;
                return context.SendLocalReply(new LocalReplyData(response.Status, response.Body, "ext_authz_denied", "UAEX",
                    headers is { Count: > 0 } ? h => AddAll(h, headers) : null));

            default:
                Stats.Increment(context.RouteClusterName, Error);
                Log.CheckFailed(_logger, Name, _settings.ClusterName);
                if (_settings.FailureModeAllow)
                {
                    Stats.Increment(context.RouteClusterName, FailureModeAllowed);
                    if (_settings.FailureModeAllowHeaderAdd)
                    {
                        context.HttpContext.Request.Headers[FailureModeAllowedHeader] = "true";
                    }

                    return FilterStatus.Continue;
                }

                return context.SendLocalReply(new LocalReplyData(_settings.StatusOnError, ReadOnlyMemory<byte>.Empty, "ext_authz_error", "UAEX"));
        }
    }

    private void Apply(HttpFilterContext context, AuthorizationResponse response)
    {
        var headers = context.HttpContext.Request.Headers;
        var changed = false;
        if (response.HeadersToSet is { } set)
        {
            foreach (var (name, value) in set)
            {
                if (!IsProtected(name))
                {
                    headers[name] = value;
                    changed = true;
                }
            }
        }

        if (response.HeadersToAppend is { } append)
        {
            foreach (var (name, value) in append)
            {
                if (!IsProtected(name))
                {
                    headers.Append(name, value);
                    changed = true;
                }
            }
        }

        if (response.HeadersToRemove is { } remove)
        {
            foreach (var name in remove)
            {
                // Pseudo-headers and Host may not be removed: the request would be malformed.
                if (!IsProtected(name))
                {
                    changed |= headers.Remove(name);
                }
            }
        }

        if (response.ResponseHeaders is { Count: > 0 } toClient)
        {
            context.HttpContext.Response.OnStarting(static state =>
            {
                var (http, list) = ((HttpContext, List<KeyValuePair<string, string>>))state;
                AddAll(http.Response.Headers, list);
                return Task.CompletedTask;
            }, (context.HttpContext, toClient));
        }

        if (response.DynamicMetadata is { Count: > 0 } metadata)
        {
            foreach (var (key, value) in metadata)
            {
                context.DynamicMetadata.Set(MetadataNamespace, key, value);
            }
        }

        if (changed && _settings.ClearRouteCache)
        {
            context.ClearRouteCache();
        }
    }

    private static bool IsProtected(string name) => name.StartsWith(':') || name == "host";

    private static void AddAll(IHeaderDictionary target, List<KeyValuePair<string, string>> headers)
    {
        // Headers the service repeats are kept as several values; the first occurrence replaces any the reply had.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (seen.Add(name))
            {
                target[name] = value;
            }
            else
            {
                target.Append(name, value);
            }
        }
    }

    /// <summary>The per-request state of a filter with with_request_body: whether it is waiting for the body.</summary>
    private sealed class BodyBufferingStream(ExtAuthzFilter filter) : HttpStreamFilter
    {
        private ExtAuthzPerRouteSettings? _perRoute;
        private ExtAuthzBodySettings? _waitingFor;

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _perRoute = context.HasPerFilterConfigs ? context.PerRouteSettings<ExtAuthzPerRouteSettings>(filter.Name) : null;
            if (_perRoute?.Disabled == true)
            {
                filter.Stats.Increment(context.RouteClusterName, Disabled);
                return Continue;
            }

            var body = _perRoute?.DisableRequestBodyBuffering == true ? null : _perRoute?.WithRequestBody ?? filter._settings.WithRequestBody;
            if (body is null || endOfStream)
            {
                return filter.CheckAsync(context, _perRoute, ReadOnlyMemory<byte>.Empty);
            }

            _waitingFor = body;
            return ValueTask.FromResult(FilterStatus.StopAndBuffer);
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (_waitingFor is not { } body || !endOfStream)
            {
                return Continue;
            }

            _waitingFor = null;
            var bytes = data.Memory;
            if (body.MaxRequestBytes > 0 && bytes.Length > body.MaxRequestBytes)
            {
                if (!body.AllowPartialMessage)
                {
                    return ValueTask.FromResult(context.SendLocalReply(StatusCodes.Status413PayloadTooLarge, "", "request_payload_too_large"));
                }

                bytes = bytes[..body.MaxRequestBytes];
            }

            return filter.CheckAsync(context, _perRoute, bytes);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "ExtAuthzDenied", Level = LogLevel.Debug, Message = "ext_authz '{Filter}': request denied with {Status}")]
        public static partial void Denied(ILogger logger, string filter, int status);

        [LoggerMessage(EventId = 2, EventName = "ExtAuthzError", Level = LogLevel.Debug, Message = "ext_authz '{Filter}': the authorization service (cluster '{Cluster}') could not be asked")]
        public static partial void CheckFailed(ILogger logger, string filter, string cluster);
    }
}
