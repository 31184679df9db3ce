using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Clusters.Naming;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.HttpCall;

/// <summary>
/// Higress's http-call plugin as a native filter. Before the request is forwarded it makes one callout
/// to a cluster named by wasm-go's rules, sent through that cluster's own pool and counted in its stats
/// like any upstream request, then adds the response body as a request header (whatever the status, as
/// the seed's callback does) and lets the request go on. Everything that does not depend on the request
/// is computed once here, at config load.
/// </summary>
public sealed partial class HttpCallFilter : HttpStreamFilter, IHttpFilter
{
    /// <summary>
    /// Envoy buffers a callout's whole response; past this the stream is treated as reset (502, as wasm-go
    /// reports a failed call), so a runaway upstream cannot exhaust memory.
    /// </summary>
    public const long MaxResponseBodyBytes = 4 * 1024 * 1024;

    private const string UnknownHost = "unknownhost";

    private readonly HttpCallConfig _config;
    private readonly ILogger _logger;
    private readonly string _pluginName;
    private readonly string _pluginId;

    /// <summary>Null for a route cluster, whose name is the matched route's.</summary>
    private readonly string? _clusterName;

    /// <summary>Null when the authority comes from the request (route cluster without host, no host in the URL).</summary>
    private readonly string? _authority;

    private readonly string _pathAndQuery;
    private readonly HttpMethod _method;
    private readonly byte[]? _body;
    private readonly KeyValuePair<string, string>[] _requestHeaders;
    private readonly KeyValuePair<string, string>[] _contentHeaders;
    private readonly TimeSpan _timeout;
    private readonly bool _negativeTimeout;

    // Log texts that do not change per request, rendered once.
    private readonly string _bodyForLog;
    private readonly string? _headersForLog;

    // DestinationPrefix + path as a Uri per endpoint: parsing a Uri per request would be the costliest step.
    private readonly ConcurrentDictionary<UpstreamEndpoint, Uri> _uris = new(ReferenceEqualityComparer.Instance);
    private MissingClusterHint? _hint;

    // The last table this filter's fixed cluster was found in: tables are immutable snapshots, so while the
    // snapshot is the same the lookup's answer is too, and the name need not be hashed per request.
    private Tuple<ClusterTable, ClusterEntry>? _lastEntry;

    public HttpCallFilter(HttpCallFilterSettings settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logger);
        Settings = settings;
        _config = settings.Config;
        _logger = logger;
        _pluginName = settings.PluginName.Length != 0 ? settings.PluginName : settings.FilterName;
        _pluginId = settings.RootId;

        var spec = _config.Cluster;
        _clusterName = settings.FixedClusterName;
        CalloutUrl.Split(_config.Path, out var urlHost, out _pathAndQuery);
        if (urlHost is not null)
        {
            _authority = urlHost;
        }
        else if (spec.Kind != HigressClusterKind.Route || spec.Host.Length != 0)
        {
            var host = HigressClusterNaming.HostName(spec);
            _authority = host.Length == 0 ? UnknownHost : host;
        }

        _method = HttpMethod.Parse(_config.Method);
        _body = _config.SendsBody && _config.Body.Length != 0 ? Encoding.UTF8.GetBytes(_config.Body) : null;

        // HttpClient keeps content headers (Content-Type, ...) on the content, the rest on the request.
        // Content-Length is always computed from the body and Host is :authority, as in Envoy.
        var probe = new HttpRequestMessage().Headers;
        var requestHeaders = new List<KeyValuePair<string, string>>();
        var contentHeaders = new List<KeyValuePair<string, string>>();
        foreach (var header in _config.Headers)
        {
            if (header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ||
                header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            (probe.TryAddWithoutValidation(header.Key, header.Value) ? requestHeaders : contentHeaders).Add(header);
        }

        _requestHeaders = requestHeaders.ToArray();
        _contentHeaders = contentHeaders.ToArray();

        _negativeTimeout = _config.TimeoutMs < 0;
        _timeout = _config.TimeoutMs <= 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(_config.TimeoutMs);
        _bodyForLog = GoSyntax.EscapeNewlines(_config.SendsBody ? _config.Body : "");
        _headersForLog = _authority is null ? null : HeadersForLog(_authority);
    }

    public HttpCallFilterSettings Settings { get; }

    public string Name => Settings.FilterName;

    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders;

    /// <summary>The filter keeps no per-request state: every request shares this instance.</summary>
    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => this;

    public override async ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        var http = context.HttpContext;
        var clusterName = _clusterName ?? context.RouteClusterName ?? "";
        if (_negativeTimeout)
        {
            Log.NegativeTimeout(_logger, _pluginName, _pluginId, RequestIdOf(context), _config.TimeoutMs);
            return Failed(context);
        }

        if (!TryGetCluster(context.Clusters, clusterName, out var entry))
        {
            LogMissingCluster(context, clusterName);
            return Failed(context);
        }

        var authority = _authority ?? RequestAuthority(http.Request);
        string? callId = null;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            callId = Guid.NewGuid().ToString();
            Log.CallStart(_logger, _pluginName, _pluginId, RequestIdOf(context), callId, clusterName, _config.Method,
                _config.Path, _headersForLog ?? HeadersForLog(authority), _bodyForLog, _config.TimeoutMs);
        }

        var result = await SendAsync(entry, authority, http.RequestAborted).ConfigureAwait(false);
        if (result.Aborted)
        {
            // The client is gone; there is nobody to forward for.
            return FilterStatus.StopIteration;
        }

        if (callId is not null)
        {
            var requestId = RequestIdOf(context);
            var body = GoSyntax.EscapeNewlines(Encoding.UTF8.GetString(result.Body));
            Log.CallEnd(_logger, _pluginName, _pluginId, requestId, callId, result.Status, result.Normal ? "true" : "false", body);
            Log.CallResponse(_logger, _pluginName, _pluginId, requestId, result.Status, body);
        }

        // The seed's callback: AddHttpRequestHeader(X-External-Response, body) for every status. An empty
        // body adds nothing: ASP.NET Core header collections drop empty values (Envoy would send "name:").
        http.Request.Headers.Append(_config.ResponseHeader, HeaderValueSanitizer.ToHeaderValue(result.Body, _config.MaxHeaderBytes));

        if (!result.FromUpstream && _config.OnError == HttpCallOnError.Deny)
        {
            return Deny(context);
        }

        return FilterStatus.Continue;
    }

    private bool TryGetCluster(ClusterTable table, string clusterName, out ClusterEntry entry)
    {
        var last = Volatile.Read(ref _lastEntry);
        if (last is not null && ReferenceEquals(last.Item1, table) && _clusterName is not null)
        {
            entry = last.Item2;
            return true;
        }

        if (!table.TryGet(clusterName, out entry))
        {
            return false;
        }

        if (_clusterName is not null)
        {
            Volatile.Write(ref _lastEntry, Tuple.Create(table, entry));
        }

        return true;
    }

    /// <summary>Sends the callout and maps every outcome to what Envoy hands the wasm callback.</summary>
    /// <remarks>One async method for gate, pick and send: each awaited async layer costs a state-machine box per callout.</remarks>
    private async ValueTask<HttpCallResult> SendAsync(ClusterEntry entry, string authority, CancellationToken aborted)
    {
        // The callout obeys the cluster's circuit breaker, outlier detection and health, as the router does.
        if (entry.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            // The breaker has counted upstream_rq_pending_overflow.
            return HttpCallResult.Overflow;
        }

        using (call)
        {
            var endpoint = entry.PickEndpoint();
            if (endpoint is null)
            {
                Interlocked.Increment(ref entry.Stats.UpstreamCxNone);
                return HttpCallResult.NoHealthyUpstream;
            }

            using var attempt = call.StartAttempt(endpoint);
            using var request = BuildRequest(entry, endpoint, authority);
            using var timeout = _timeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout?.CancelAfter(_timeout);
            var token = timeout?.Token ?? aborted;
            try
            {
                // The cluster's own pool; the invoker does not own (or dispose) the handler.
                using var response = await entry.Invoker.SendAsync(request, token).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(MaxResponseBodyBytes, token).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                attempt.RecordResponse(status);
                return new HttpCallResult(status, body, Normal: true, FromUpstream: true, Aborted: false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return HttpCallResult.DownstreamAborted;
            }
            catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
            {
                attempt.RecordTimeout();
                return HttpCallResult.Timeout;
            }
            catch (OperationCanceledException)
            {
                // Neither token fired: SocketsHttpHandler's ConnectTimeout (the cluster's connect_timeout).
                attempt.RecordLocalFailure(503, 503);
                return HttpCallResult.ConnectTimeout;
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                attempt.RecordLocalFailure(503, 503);
                return HttpCallResult.ConnectFailure;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // Reset, malformed response, or body over the cap: the callback gets no headers and no body.
                attempt.RecordLocalFailure(502, null);
                return HttpCallResult.Reset;
            }
        }
    }

    private HttpRequestMessage BuildRequest(ClusterEntry entry, UpstreamEndpoint endpoint, string authority)
    {
        var request = new HttpRequestMessage(_method, UriFor(endpoint))
        {
            Version = entry.RequestVersion,
            VersionPolicy = entry.VersionPolicy,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Host", authority);
        foreach (var (name, value) in _requestHeaders)
        {
            headers.TryAddWithoutValidation(name, value);
        }

        if (_body is not null || _contentHeaders.Length != 0)
        {
            // ByteArrayContent over the shared bytes: no copy; it sets Content-Length itself.
            var content = new ByteArrayContent(_body ?? []);
            foreach (var (name, value) in _contentHeaders)
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }

            request.Content = content;
        }

        return request;
    }

    private Uri UriFor(UpstreamEndpoint endpoint)
    {
        if (_uris.TryGetValue(endpoint, out var uri))
        {
            return uri;
        }

        // DNS clusters replace endpoints over time; keep the cache from growing without bound.
        if (_uris.Count > 256)
        {
            _uris.Clear();
        }

        uri = new Uri(endpoint.DestinationPrefix + _pathAndQuery, UriKind.Absolute);
        _uris.TryAdd(endpoint, uri);
        return uri;
    }

    private static string RequestAuthority(HttpRequest request)
    {
        var host = request.Host.Value;
        return string.IsNullOrEmpty(host) ? UnknownHost : host;
    }

    private string HeadersForLog(string authority) =>
        GoSyntax.HeaderPairs(_config.Headers.Concat(
        [
            new(":method", _config.Method),
            new(":path", _pathAndQuery),
            new(":authority", authority),
        ]));

    /// <summary>wasm-go reads the <c>x_request_id</c> property, which is the x-request-id header; "nil" when missing.</summary>
    private static string RequestIdOf(HttpFilterContext context)
    {
        if (!string.IsNullOrEmpty(context.RequestId))
        {
            return context.RequestId;
        }

        var header = context.HttpContext.Request.Headers["x-request-id"].ToString();
        return header.Length == 0 ? "nil" : header;
    }

    private void LogMissingCluster(HttpFilterContext context, string clusterName)
    {
        if (!_logger.IsEnabled(LogLevel.Error))
        {
            return;
        }

        var hint = Volatile.Read(ref _hint);
        if (hint is null || !ReferenceEquals(hint.Table, context.Clusters) || hint.ClusterName != clusterName)
        {
            hint = MissingClusterHint.Build(context.Clusters, clusterName, _config.Cluster,
                _authority ?? RequestAuthority(context.HttpContext.Request));
            Volatile.Write(ref _hint, hint);
        }

        Log.MissingCluster(_logger, _pluginName, _pluginId, RequestIdOf(context), clusterName, hint.Closest, hint.Snippet);
    }

    /// <summary>The call could not be made: the seed logs and continues; on_error deny answers 503.</summary>
    private FilterStatus Failed(HttpFilterContext context) =>
        _config.OnError == HttpCallOnError.Deny ? Deny(context) : FilterStatus.Continue;

    private static FilterStatus Deny(HttpFilterContext context) =>
        context.SendLocalReply(new LocalReplyData(StatusCodes.Status503ServiceUnavailable, DenyBody));

    // Says what failed without naming internal clusters or addresses to the client.
    private static readonly byte[] DenyBody = "external call failed"u8.ToArray();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "HttpCallStart", Level = LogLevel.Information,
            Message = "[{PluginName}] [{PluginId}] [{RequestId}] http call start, id: {CallId}, cluster: {Cluster}, method: {Method}, url: {Url}, headers: {Headers}, body: {Body}, timeout: {TimeoutMs}")]
        public static partial void CallStart(ILogger logger, string pluginName, string pluginId, string requestId, string callId,
            string cluster, string method, string url, string headers, string body, long timeoutMs);

        [LoggerMessage(EventId = 2, EventName = "HttpCallEnd", Level = LogLevel.Information,
            Message = "[{PluginName}] [{PluginId}] [{RequestId}] http call end, id: {CallId}, code: {Code}, normal: {Normal}, body: {Body}")]
        public static partial void CallEnd(ILogger logger, string pluginName, string pluginId, string requestId, string callId,
            int code, string normal, string body);

        [LoggerMessage(EventId = 3, EventName = "HttpCallResponse", Level = LogLevel.Information,
            Message = "[{PluginName}] [{PluginId}] [{RequestId}] HTTP call response: status={Status}, body={Body}")]
        public static partial void CallResponse(ILogger logger, string pluginName, string pluginId, string requestId, int status, string body);

        [LoggerMessage(EventId = 4, EventName = "HttpCallBadArgument", Level = LogLevel.Error,
            Message = "[{PluginName}] [{PluginId}] [{RequestId}] HTTP call failed: error status returned by host: bad argument. " +
                      "No cluster named '{ClusterName}' is defined; closest defined: {ClosestClusters}. " +
                      "Add this to static_resources.clusters in envoy.yaml:\n{EnvoyYamlSnippet}")]
        public static partial void MissingCluster(ILogger logger, string pluginName, string pluginId, string requestId,
            string clusterName, string closestClusters, string envoyYamlSnippet);

        [LoggerMessage(EventId = 5, EventName = "HttpCallNegativeTimeout", Level = LogLevel.Error,
            Message = "[{PluginName}] [{PluginId}] [{RequestId}] HTTP call failed: error status returned by host: bad argument. " +
                      "timeout_ms is {TimeoutMs}; Envoy refuses a negative callout timeout (use 0 for none)")]
        public static partial void NegativeTimeout(ILogger logger, string pluginName, string pluginId, string requestId, long timeoutMs);
    }
}
