using System.Diagnostics;
using System.Net.Sockets;
using Gateway.Clusters.Resilience;
using Gateway.Clusters.Table;
using Gateway.Filters;
using Gateway.Hosting;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// The HTTP connection manager and router of one listener: request id and forwarding headers, virtual
/// host and route selection, the filter chain, then the route's action (forward through YARP's
/// forwarder to the cluster's pool, direct response, redirect), with Envoy's local replies.
/// </summary>
public sealed partial class ProxyHandler
{
    private readonly IHttpForwarder _forwarder;
    private readonly ILogger _logger;

    private static readonly byte[] BadRequestBody = "Bad Request"u8.ToArray();

    public ProxyHandler(IHttpForwarder forwarder, ILoggerFactory loggerFactory)
    {
        _forwarder = forwarder;
        _logger = loggerFactory.CreateLogger("router");
    }

    /// <summary>Called when a request completes, for access logs (set by the host).</summary>
    public Action<HttpContext, RequestState>? OnCompleted { get; set; }

    public async Task HandleAsync(HttpContext context, ListenerRuntime listener, GatewaySnapshot snapshot, Codec.DownstreamConnection? connection = null)
    {
        var stats = listener.Stats;
        Interlocked.Increment(ref stats.DownstreamRqTotal);
        Interlocked.Increment(ref stats.DownstreamRqActive);
        var state = new RequestState(context, snapshot.Clusters, listener, Stopwatch.GetTimestamp());
        context.Features.Set(state);
        var accessLog = listener.AccessLog;
        var byteCounter = accessLog?.Begin(context);
        // stream_idle_timeout / request_timeout / route idle_timeout (null when none can fire).
        var watch = listener.Timeouts?.Begin(context);
        HttpFilterManager? filters = null;
        // One async method for the whole request (not one per stage): each awaited async layer costs a
        // state-machine allocation per request.
        try
        {
            var request = context.Request;
            var http = listener.Http;
            if (http.ServerHeaderTransformation != Clusters.Model.ServerHeaderTransformation.PassThrough)
            {
                context.Response.Headers.Server = listener.ServerName;
            }

            if (connection?.TakeError() is { } codecError)
            {
                // The HTTP/1 codec refused the request (Http1RequestGuard): Envoy's sendProtocolError.
                await ReplyToCodecErrorAsync(context, state, codecError).ConfigureAwait(false);
                return;
            }

            var headers = request.Headers;
            if (RequestHeaderValidator.HasInvalidValue(headers, out var hasEnvoyHeaders))
            {
                context.Response.Headers.Connection = "close";
                await state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status400BadRequest, BadRequestBody, "http1.invalid_characters", "DPE")).ConfigureAwait(false);
                return;
            }

            if (connection?.StartRequest() is { } nominated)
            {
                foreach (var name in nominated)
                {
                    headers.Remove(name);
                }
            }

            state.UpgradeType = ConnectionHeaders.Sanitize(headers, state);

            listener.Edge.Apply(context, state, hasEnvoyHeaders);

            var requestFeature = context.Features.GetRequiredFeature<IHttpRequestFeature>();
            var rawTarget = requestFeature.RawTarget;
            if (rawTarget.Length > 0 && rawTarget[0] != '/' && rawTarget != "*")
            {
                rawTarget = AbsoluteForm.Apply(request, requestFeature, rawTarget);
            }

            if (http.Protocol.DefaultHostForHttp10 is { } defaultHost && !request.Host.HasValue && HttpProtocol.IsHttp10(request.Protocol))
            {
                request.Host = new HostString(defaultHost);
            }

            var pathLength = EnvoyHttpTransformer.PathLength(rawTarget);
            state.RawTarget = rawTarget;
            state.PathLength = pathLength;
            state.SelectRoute();
            watch?.ApplyRoute(state.Route, state.UpgradeType is not null);

            // Envoy runs the decoder filters before the router acts, whatever the route turns out to be.
            filters = HttpFilterManager.Start(listener.Filters, state);
            if (filters is not null && !await filters.DecodeHeadersAsync().ConfigureAwait(false))
            {
                return;
            }

            // A filter may have cleared the route cache: the route is the one selected last.
            var route = state.Route;
            if (route is null)
            {
                Interlocked.Increment(ref listener.Stats.NoRoute);
                await state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status404NotFound, default, "route_not_found", "NR")).ConfigureAwait(false);
                return;
            }

            if (route.RequestHeadersToAdd.Count > 0 || route.RequestHeadersToRemove.Count > 0)
            {
                HeaderMutator.Apply(headers, route.RequestHeadersToRemove, route.RequestHeadersToAdd, state);
            }

            switch (route.Kind)
            {
                case RouteActionKind.DirectResponse:
                    Interlocked.Increment(ref listener.Stats.RqDirectResponse);
                    ApplyResponseHeaders(state, route);
                    await state.SendLocalReplyAsync(new LocalReplyData(route.DirectStatus, route.DirectBody, "direct_response")).ConfigureAwait(false);
                    return;
                case RouteActionKind.Redirect:
                    Interlocked.Increment(ref listener.Stats.RqRedirect);
                    ApplyResponseHeaders(state, route);
                    context.Response.Headers.Location = RedirectLocation.Build(route, request, rawTarget, pathLength);
                    await state.SendLocalReplyAsync(new LocalReplyData(route.Redirect!.ResponseCode, default, "direct_response")).ConfigureAwait(false);
                    return;
            }

            await ForwardAsync(context, listener, state, route, state.RouteClusterName!, rawTarget, pathLength).ConfigureAwait(false);
            if (filters is not null)
            {
                if (filters.HasDeferredReply)
                {
                    await filters.SendDeferredReplyAsync().ConfigureAwait(false);
                }
                else if (!context.RequestAborted.IsCancellationRequested)
                {
                    await filters.EndResponseDataAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away or a stream timer fired: recorded below.
        }
        finally
        {
            if (watch is not null)
            {
                await watch.EndAsync(state).ConfigureAwait(false);
            }

            filters?.Complete();
            Interlocked.Decrement(ref stats.DownstreamRqActive);
            // Envoy counts a status class only for a response that was sent, and a client reset as rx_reset.
            var aborted = context.RequestAborted.IsCancellationRequested;
            Codec.DownstreamReset.OnStreamEnd(context, state, connection, aborted, stats, watch);

            if (!aborted || context.Response.HasStarted)
            {
                stats.RecordResponse(context.Response.StatusCode);
            }

            Interlocked.Increment(ref aborted ? ref stats.DownstreamRqRxReset : ref stats.DownstreamRqCompleted);
            accessLog?.Complete(context, state, byteCounter);
            OnCompleted?.Invoke(context, state);
        }
    }

    private async Task ForwardAsync(HttpContext context, ListenerRuntime listener, RequestState state, CompiledRoute route, string clusterName, string rawTarget, int pathLength)
    {
        var headers = context.Request.Headers;
        if (!state.Clusters.TryGet(clusterName, out var cluster))
        {
            Interlocked.Increment(ref listener.Stats.NoCluster);
            await state.SendLocalReplyAsync(new LocalReplyData(route.Forward!.ClusterNotFoundResponseCode, default, "cluster_not_found", "NC")).ConfigureAwait(false);
            return;
        }

        state.UpstreamCluster = cluster.Name;
        var endpoint = cluster.PickEndpoint();
        if (endpoint is null)
        {
            await ReplyNoHealthyUpstreamAsync(state, cluster).ConfigureAwait(false);
            return;
        }

        if (state.UpgradeType is { } upgradeType && !AllowsUpgrade(listener, route, upgradeType))
        {
            // Envoy refuses an upgrade no upgrade_configs entry allows.
            await state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status403Forbidden, default, "upgrade_failed")).ConfigureAwait(false);
            return;
        }

        if (route.HasRewrite && !listener.Router.SuppressEnvoyHeaders)
        {
            // Envoy keeps the whole original :path, query included.
            headers[HeaderNames.XEnvoyOriginalPath] = rawTarget;
        }

        if (route.TimeoutMs is { } timeoutMs && !listener.Router.SuppressEnvoyHeaders)
        {
            headers[HeaderNames.XEnvoyExpectedRqTimeoutMs] = timeoutMs;
        }

        // ---- resilience (issue 5): circuit breaker gate, retries, outlier reporting ----
        if (cluster.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            await OverflowReply.WriteAsync(state).ConfigureAwait(false);
            return;
        }

        var retry = route.Retry is { } plan && RetryingTransformer.CanRetry(context) ? new RetryingTransformer(listener.Transformer, plan, cluster) : null;
        try
        {
            while (true)
            {
                // The attempt is awaited here rather than in a helper async method: one state machine less per request.
                state.UpstreamHost = endpoint.Address;
                state.UpstreamMetadata = endpoint.Metadata;
                state.UpstreamHostname = endpoint.Hostname;
                state.AttemptCount++;
                ForwarderError error;
                using (var attempt = call.StartAttempt(endpoint))
                {
                    var config = route.RequestConfigs[(int)cluster.Config.Protocol];
                    error = retry is null
                        ? await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Invoker, config, listener.Transformer).ConfigureAwait(false)
                        : await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Invoker, config, retry, retry.StartAttempt()).ConfigureAwait(false);
                    error = EndAttempt(context, state, attempt, retry, error);
                }

                if (state.FilterManager is { HasDeferredReply: true })
                {
                    // A filter stopped the request while its body streamed upstream: its reply goes out instead.
                    return;
                }

                if (retry is not null && !context.RequestAborted.IsCancellationRequested &&
                    (retry.SwallowedStatus != 0 || (FailureKindOf(context, error, retry) is { } kind && retry.ShouldRetryFailure(kind))))
                {
                    await retry.BeforeRetryAsync(context).ConfigureAwait(false);
                    state.Retried = true;
                    endpoint = cluster.PickEndpoint();
                    if (endpoint is null)
                    {
                        await ReplyNoHealthyUpstreamAsync(state, cluster).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }

                if (error != ForwarderError.None)
                {
                    await ReplyToForwarderErrorAsync(context, state, cluster, endpoint, error).ConfigureAwait(false);
                }

                return;
            }
        }
        finally
        {
            retry?.Finish();
            call.Dispose();
        }
    }

    internal static string AttemptText(int attempts) => attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task ReplyToCodecErrorAsync(HttpContext context, RequestState state, Codec.CodecError error)
    {
        context.Response.Headers.Connection = "close";
        var body = error.WithBody ? ReasonPhraseBodies.Of(error.Status) : default;
        var flag = error.Status is 400 or 426 or 431 or 501 && error.WithBody ? "DPE" : null;
        return state.SendLocalReplyAsync(new LocalReplyData(error.Status, body, error.Details, flag));
    }

    /// <summary>Envoy's reply when the cluster has no healthy endpoint (first pick or a retry's): 503, flag UH.</summary>
    private static Task ReplyNoHealthyUpstreamAsync(RequestState state, ClusterEntry cluster)
    {
        Interlocked.Increment(ref cluster.Stats.UpstreamCxNone);
        return state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status503ServiceUnavailable, UpstreamReplyBodies.NoHealthyUpstream, "no_healthy_upstream", "UH"));
    }

    /// <summary>After one upstream attempt: stats and outlier report; returns the error as Envoy classes it (None when headers came back).</summary>
    private static ForwarderError EndAttempt(HttpContext context, RequestState state, UpstreamAttempt attempt, RetryingTransformer? retry, ForwarderError error)
    {
        if (error != ForwarderError.None && retry is not null && retry.PerTryTimedOut && !context.RequestAborted.IsCancellationRequested)
        {
            // per_try_timeout fired: Envoy answers it as an upstream timeout (504 UT).
            error = ForwarderError.RequestTimedOut;
        }

        if (error == ForwarderError.None)
        {
            state.ResponseCodeDetails = "via_upstream";
            var status = retry is { SwallowedStatus: > 0 } ? retry.SwallowedStatus : context.Response.StatusCode;
            attempt.RecordResponse(status);
        }
        else if (error is ForwarderError.Request or ForwarderError.RequestTimedOut)
        {
            attempt.Entry.ReportOutcome(attempt.Endpoint, UpstreamOutcome.LocalFailure, error == ForwarderError.RequestTimedOut ? 504 : 503);
        }

        return error;
    }

    /// <summary>How a failed attempt failed, for retry_on; null when it is not retriable (client gone, response started, route timeout).</summary>
    private static LocalFailureKind? FailureKindOf(HttpContext context, ForwarderError error, RetryingTransformer retry)
    {
        if (context.Response.HasStarted)
        {
            return null;
        }

        switch (error)
        {
            case ForwarderError.RequestTimedOut when retry.PerTryTimedOut:
                return LocalFailureKind.Timeout;
            case ForwarderError.Request:
                for (var e = context.Features.Get<IForwarderErrorFeature>()?.Exception; e is not null; e = e.InnerException)
                {
                    if (e is SocketException)
                    {
                        return LocalFailureKind.ConnectFailure;
                    }
                }

                return LocalFailureKind.Reset;
            default:
                return null;
        }
    }

    private async Task ReplyToForwarderErrorAsync(HttpContext context, RequestState state, ClusterEntry cluster, UpstreamEndpoint endpoint, ForwarderError error)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        int status;
        byte[]? body;
        switch (error)
        {
            case ForwarderError.RequestTimedOut:
                Interlocked.Increment(ref cluster.Stats.UpstreamRqTimeout);
                Interlocked.Increment(ref endpoint.Stats.RqTimeout);
                (status, body, state.ResponseFlags, state.ResponseCodeDetails) = (504, UpstreamReplyBodies.RequestTimeout, "UT", "upstream_response_timeout");
                break;
            case ForwarderError.Request:
                (status, body, state.ResponseFlags, state.ResponseCodeDetails) = ClassifyRequestFailure(exception, retried: state.Retried);
                break;
            case ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient:
                // The client went away or sent a broken body: nothing useful to reply.
                state.ResponseFlags = "DC";
                state.ResponseCodeDetails = "downstream_remote_disconnect";
                return;
            default:
                state.ResponseFlags = "UR";
                state.ResponseCodeDetails = "upstream_reset_after_response_started";
                Log.ForwardFailed(_logger, cluster.Name, endpoint.Address, error, exception?.Message);
                return;
        }

        Log.ForwardFailed(_logger, cluster.Name, endpoint.Address, error, exception?.Message);
        cluster.Stats.RecordStatus(status);
        Interlocked.Increment(ref endpoint.Stats.RqError);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        if (state.Route is { VirtualHost.IncludeAttemptCountInResponse: true })
        {
            context.Response.Headers[HeaderNames.XEnvoyAttemptCount] = AttemptText(state.AttemptCount);
        }

        await state.SendLocalReplyAsync(new LocalReplyData(status, body)).ConfigureAwait(false);
    }

    private static (int, byte[]?, string, string) ClassifyRequestFailure(Exception? exception, bool retried)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                // Envoy: a refused/unreachable connect is a remote connection failure, its errno the transport failure reason.
                var transport = "delayed connect error: " + (socket.SocketErrorCode == SocketError.ConnectionRefused ? "Connection refused" : socket.Message);
                return (503, retried || socket.SocketErrorCode != SocketError.ConnectionRefused
                        ? UpstreamReplyBodies.ResetBefore("remote connection failure", transport, retried)
                        : UpstreamReplyBodies.ConnectionFailure,
                    "UF", UpstreamReplyBodies.ResetBeforeDetails("remote connection failure", transport));
            }

            if (e is TimeoutException || (e is OperationCanceledException && exception is HttpRequestException))
            {
                return (503, retried ? UpstreamReplyBodies.ResetBefore("connection timeout", null, true) : UpstreamReplyBodies.ConnectionTimeout,
                    "UF", "upstream_reset_before_response_started{connection_timeout}");
            }
        }

        return (503, retried ? UpstreamReplyBodies.ResetBefore("connection termination", null, true) : UpstreamReplyBodies.ConnectionTermination,
            "UC", "upstream_reset_before_response_started{connection_termination}");
    }

    /// <summary>The route's upgrade_configs decide for the types they name, the HCM's for the rest.</summary>
    private static bool AllowsUpgrade(ListenerRuntime listener, CompiledRoute route, string type) =>
        route.Forward!.UpgradeTypes.Contains(type, StringComparer.OrdinalIgnoreCase) ||
        listener.Http.UpgradeTypes.Contains(type, StringComparer.OrdinalIgnoreCase);

    private static void ApplyResponseHeaders(RequestState state, CompiledRoute route)
    {
        if (route.ResponseHeadersToAdd.Count > 0 || route.ResponseHeadersToRemove.Count > 0)
        {
            HeaderMutator.Apply(state.HttpContext.Response.Headers, route.ResponseHeadersToRemove, route.ResponseHeadersToAdd, state);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "upstream request to cluster '{Cluster}' host {Host} failed: {Error} {Reason}")]
        public static partial void ForwardFailed(ILogger logger, string cluster, string host, ForwarderError error, string? reason);
    }
}
