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

    private readonly TimeProvider _time;

    public ProxyHandler(IHttpForwarder forwarder, ILoggerFactory loggerFactory, Cli.GatewayOptions? options = null)
    {
        _forwarder = forwarder;
        _logger = loggerFactory.CreateLogger("router");
        _time = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>Called when a request completes, for access logs (set by the host).</summary>
    public Action<HttpContext, RequestState>? OnCompleted { get; set; }

    public async Task HandleAsync(HttpContext context, ListenerRuntime listener, GatewaySnapshot snapshot, Codec.DownstreamConnection? connection = null)
    {
        var stats = listener.Stats;
        Interlocked.Increment(ref stats.DownstreamRqTotal);
        Interlocked.Increment(ref HttpProtocol.IsHttp2(context.Request.Protocol) ? ref stats.DownstreamRqHttp2Total : ref stats.DownstreamRqHttp1Total);
        Interlocked.Increment(ref stats.DownstreamRqActive);
        var state = new RequestState(context, snapshot.Clusters, listener, Stopwatch.GetTimestamp());
        context.Features.Set(state);
        var accessLog = listener.AccessLog;
        var byteCounter = accessLog?.Begin(context);
        // stream_idle_timeout / request_timeout / route idle_timeout (null when none can fire).
        var watch = listener.Timeouts?.Begin(context, connection);
        state.Watch = watch;
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

            if (http.Protocol.HeadersWithUnderscores is not Clusters.Model.HeadersWithUnderscoresAction.Allow &&
                !UnderscoreHeaderRule.Apply(headers, http.Protocol.HeadersWithUnderscores, HttpProtocol.IsHttp2(request.Protocol)))
            {
                await RejectUnderscoreHeaderAsync(context, state).ConfigureAwait(false);
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
            // The edge rules removed the client's x-envoy-* control headers unless the request is internal.
            state.HasEnvoyControlHeaders = hasEnvoyHeaders;

            var requestFeature = context.Features.GetRequiredFeature<IHttpRequestFeature>();
            var rawTarget = requestFeature.RawTarget;
            if (rawTarget.Length > 0 && rawTarget[0] != '/' && rawTarget != "*")
            {
                rawTarget = AbsoluteForm.Apply(request, requestFeature, rawTarget);
            }

            if (listener.PathNormalizer is { } normalizer && rawTarget.Length > 0 && rawTarget[0] == '/')
            {
                var action = normalizer.Normalize(ref rawTarget);
                if (action != PathNormalizeAction.Continue)
                {
                    await ReplyToPathNormalizationAsync(state, action, rawTarget).ConfigureAwait(false);
                    return;
                }

                requestFeature.RawTarget = rawTarget;
            }

            if (http.Protocol.DefaultHostForHttp10 is { } defaultHost && !request.Host.HasValue && HttpProtocol.IsHttp10(request.Protocol))
            {
                request.Host = new HostString(defaultHost);
            }

            // After the path, as Envoy's maybeNormalizeHost: the header changes, for routing and upstream alike.
            listener.HostNormalizer?.Apply(request, listener.BoundPort);

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

            if (state.ClusterHeaders is { } clusterHeaders)
            {
                // The weighted cluster's edits first: Envoy applies the most specific level before the route's.
                HeaderMutator.Apply(headers, clusterHeaders.RequestHeadersToRemove, clusterHeaders.RequestHeadersToAdd, state);
            }

            if (route.RequestHeaderLevels.Length > 0)
            {
                HeaderMutator.Apply(headers, route.RequestHeaderLevels, state);
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
            // A reset the stream timers or a router deadline made (the forwarder then aborts the connection) is not the client's.
            var aborted = context.RequestAborted.IsCancellationRequested && !state.ResetByDeadline &&
                (watch is null || watch.Kind == Codec.StreamTimeoutKind.None);
            Codec.DownstreamReset.OnStreamEnd(context, state, connection, aborted, stats);

            if (!aborted || context.Response.HasStarted)
            {
                stats.RecordResponse(context.Response.StatusCode);
            }

            Interlocked.Increment(ref aborted ? ref stats.DownstreamRqRxReset : ref stats.DownstreamRqCompleted);
            accessLog?.Complete(context, state, byteCounter);
            OnCompleted?.Invoke(context, state);
            if (watch is { Reusable: true } && connection is not null)
            {
                // Last: the connection's next request may take it at once.
                connection.ReturnWatch(watch);
            }
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

        // ---- timeouts (Envoy's finalTimeout): the route's, or an internal request's x-envoy-* headers ----
        var router = listener.Router;
        var globalTimeout = route.GlobalTimeout;
        var plan = route.Retry;
        var perTryTimeout = plan?.PerTryTimeout ?? TimeSpan.Zero;
        var expectedTimeout = route.TimeoutMs;
        var timeoutAlt = false;
        if (state.HasEnvoyControlHeaders)
        {
            ReadControlHeaders(headers, router, ref globalTimeout, ref perTryTimeout, ref plan, ref timeoutAlt);
            expectedTimeout = CompiledRoute.ExpectedTimeoutText(globalTimeout, perTryTimeout);
        }

        if (plan is not null && route.RetriableRequestHeaders is { } retriable && !MatchesAny(retriable, context.Request, rawTarget))
        {
            // retriable_request_headers: Envoy clears retry_on for a request matching none (x-envoy-retry-on's too).
            plan = null;
        }

        if (perTryTimeout >= globalTimeout && globalTimeout > TimeSpan.Zero)
        {
            perTryTimeout = TimeSpan.Zero;
        }

        if (expectedTimeout is not null && !router.SuppressEnvoyHeaders)
        {
            headers[HeaderNames.XEnvoyExpectedRqTimeoutMs] = expectedTimeout;
        }

        // ---- resilience (issue 5): circuit breaker gate, retries, outlier reporting ----
        if (cluster.TryBeginCall(out var call) != RequestAdmission.Admitted)
        {
            await OverflowReply.WriteAsync(state).ConfigureAwait(false);
            return;
        }

        var upgrade = state.UpgradeType is not null || context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
        var streamDuration = route.Forward!.MaxStreamDuration is not null || listener.Http.Protocol.MaxStreamDuration is not null
            ? StreamDurationFor(context, route, listener.Http.Protocol.MaxStreamDuration)
            : null;
        RequestDeadline? deadline = null;
        if ((globalTimeout > TimeSpan.Zero && !upgrade) || streamDuration is not null)
        {
            deadline = RequestDeadline.Rent();
            if (streamDuration is { } duration)
            {
                deadline.Arm(DeadlineKind.StreamDuration, duration - Stopwatch.GetElapsedTime(state.StartTimestamp));
            }
        }

        var routeTimeout = upgrade ? TimeSpan.Zero : globalTimeout;
        var retryable = plan is { Enabled: true } && !upgrade;
        // request_mirror_policies: the copy is taken now, as the router would send the request (headers edited, path rewritten).
        var mirror = route.Mirror is { } mirrors && !upgrade
            ? mirrors.Begin(context.Request, state.Clusters, route.HasRewrite ? route.RewriteTarget(rawTarget, pathLength) : rawTarget, globalTimeout)
            : null;
        // Looked up only when something needs the body: a deadline armed at its end, a retry or a mirror replaying it.
        var bodyNeeded = !upgrade && (deadline is not null || retryable || mirror is not null) &&
            context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
        var retry = retryable || perTryTimeout > TimeSpan.Zero
            ? new RetryingTransformer(listener.Transformer, retryable ? plan : null, cluster, perTryTimeout, _time, deadline?.Token ?? default)
            : null;
        RouterRequestBody? body = null;
        if (bodyNeeded)
        {
            // Envoy arms the route timeout once the request is complete, and keeps the body a retry (or a mirror) sends again.
            body = new RouterRequestBody(context.Request.Body, retryable || mirror is not null ? Math.Min(state.BufferLimitBytes, route.BufferLimitBytes) : -1, deadline, routeTimeout);
            context.Request.Body = body;
            if (retry is not null)
            {
                retry.Body = body;
            }
        }
        else if (deadline is not null && routeTimeout > TimeSpan.Zero)
        {
            deadline.Arm(DeadlineKind.Route, routeTimeout);
        }

        if (mirror is not null && !bodyNeeded)
        {
            // No body to wait for: the mirror goes out with the request, as Envoy's shadow does.
            RequestMirror.Send(mirror, body: null);
            mirror = null;
        }

        try
        {
            while (true)
            {
                // The attempt is awaited here rather than in a helper async method: one state machine less per request.
                state.Endpoint = endpoint;
                state.UpstreamHost = endpoint.Address;
                state.UpstreamMetadata = endpoint.Metadata;
                state.UpstreamHostname = endpoint.Hostname;
                state.AttemptCount++;
                retry?.OnHostAttempted(endpoint);
                ForwarderError error;
                using (var attempt = call.StartAttempt(endpoint))
                {
                    var config = route.RequestConfigs[cluster.ForwarderConfigIndex(HttpProtocol.IsHttp2(context.Request.Protocol))];
                    error = retry is not null
                        ? await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Invoker, config, retry, retry.StartAttempt()).ConfigureAwait(false)
                        : deadline is null
                            ? await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Invoker, config, listener.Transformer).ConfigureAwait(false)
                            : await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Invoker, config, listener.Transformer, deadline.Token).ConfigureAwait(false);
                    error = EndAttempt(context, state, attempt, retry, error);
                }

                if (state.FilterManager is { HasDeferredReply: true })
                {
                    // A filter stopped the request while its body streamed upstream: its reply goes out instead.
                    return;
                }

                // A deadline that cut a started response made the forwarder abort the connection, which may already
                // show as RequestAborted here: that abort is the deadline's, not the client's.
                var aborted = context.RequestAborted.IsCancellationRequested &&
                    !(deadline is { Fired: true } && error == ForwarderError.ResponseBodyCanceled && context.Response.HasStarted);
                if (deadline is { Fired: true } && !aborted && (error != ForwarderError.None || retry is { SwallowedStatus: > 0 }))
                {
                    // A swallowed (retried) response ended its attempt: then no upstream request is in flight.
                    await ReplyDeadlineAsync(context, listener, state, cluster, endpoint, deadline, body, error, inFlight: error != ForwarderError.None, timeoutAlt).ConfigureAwait(false);
                    return;
                }

                if (retry is not null && !aborted &&
                    (retry.SwallowedStatus != 0 || (FailureKindOf(context, error, retry) is { } kind && retry.ShouldRetryFailure(kind))))
                {
                    try
                    {
                        await retry.BeforeRetryAsync(context, deadline?.Token ?? context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (deadline is { Fired: true } && !context.RequestAborted.IsCancellationRequested)
                    {
                        // The deadline passed during the back-off: no upstream request is in flight.
                        await ReplyDeadlineAsync(context, listener, state, cluster, endpoint, deadline, body, ForwarderError.RequestCanceled, inFlight: false, timeoutAlt).ConfigureAwait(false);
                        return;
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    state.Retried = true;
                    if (deadline is { RouteArmedAt: > 0 } && expectedTimeout is not null && !router.SuppressEnvoyHeaders)
                    {
                        // Envoy's setTimeoutHeaders on a retry: what is left of the global timeout, at least 1ms.
                        var left = globalTimeout - Stopwatch.GetElapsedTime(deadline.RouteArmedAt);
                        var expected = perTryTimeout > TimeSpan.Zero && perTryTimeout < left ? perTryTimeout : left;
                        headers[HeaderNames.XEnvoyExpectedRqTimeoutMs] = Math.Max(1, (long)expected.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    endpoint = retry.PickRetryEndpoint(cluster);
                    if (endpoint is null)
                    {
                        await ReplyNoHealthyUpstreamAsync(state, cluster).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }

                if (error != ForwarderError.None)
                {
                    if (retry is { PerTryTimedOut: true } && !aborted)
                    {
                        await ReplyTimeoutAsync(context, state, cluster, "upstream_per_try_timeout", timeoutAlt).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReplyToForwarderErrorAsync(context, state, cluster, endpoint, error).ConfigureAwait(false);
                    }
                }

                if (retry?.NotRetriedFlag is { } notRetried)
                {
                    // Envoy adds URX/UO to whatever else the request got (UF, UT, ...).
                    state.ResponseFlags = state.ResponseFlags is null ? notRetried : state.ResponseFlags + "," + notRetried;
                }

                return;
            }
        }
        finally
        {
            if (mirror is not null)
            {
                SendMirrorWithBody(mirror, body, cluster, retry);
            }

            retry?.Finish();
            call.Dispose();
            deadline?.Return();
        }
    }

    /// <summary>A mirror of a request with a body goes once the body was read whole; one over the buffer limit is abandoned, as Envoy's.</summary>
    private static void SendMirrorWithBody(RequestMirror.Copy mirror, RouterRequestBody? body, ClusterEntry cluster, RetryingTransformer? retry)
    {
        if (body?.CopyOfWholeBody() is { } whole)
        {
            RequestMirror.Send(mirror, whole);
        }
        else if (body is { Overflowed: true } && retry is not { Abandoned: true })
        {
            // One count per request, as Envoy's: the retry state may have counted this overflow already.
            Interlocked.Increment(ref cluster.Stats.RetryOrShadowAbandoned);
        }
    }

    /// <summary>
    /// An internal request's router headers (Envoy's finalTimeout and RetryStateImpl::create): the timeouts they
    /// set, the retry conditions they add; each is consumed (not forwarded).
    /// </summary>
    private static void ReadControlHeaders(IHeaderDictionary headers, Filters.Router.RouterFilterConfig router,
        ref TimeSpan globalTimeout, ref TimeSpan perTryTimeout, ref Clusters.Resilience.RetryPlan? plan, ref bool timeoutAlt)
    {
        if (router.RespectExpectedRqTimeout && headers.TryGetValue(HeaderNames.XEnvoyExpectedRqTimeoutMs, out var expected))
        {
            // Set by an egress Envoy: it is the timeout, and x-envoy-upstream-rq-timeout-ms is left alone.
            globalTimeout = MillisecondsHeader(expected) ?? globalTimeout;
        }
        else if (Take(headers, HeaderNames.XEnvoyUpstreamRqTimeoutMs, out var upstreamTimeout))
        {
            globalTimeout = MillisecondsHeader(upstreamTimeout) ?? globalTimeout;
        }

        if (Take(headers, HeaderNames.XEnvoyUpstreamRqPerTryTimeoutMs, out var perTry))
        {
            perTryTimeout = MillisecondsHeader(perTry) ?? perTryTimeout;
        }

        if (Take(headers, HeaderNames.XEnvoyUpstreamRqTimeoutAltResponse, out _))
        {
            timeoutAlt = true;
        }

        Take(headers, HeaderNames.XEnvoyRetryOn, out var retryOn);
        Take(headers, HeaderNames.XEnvoyRetryGrpcOn, out var retryGrpcOn);
        Take(headers, HeaderNames.XEnvoyMaxRetries, out var maxRetries);
        Take(headers, HeaderNames.XEnvoyRetriableStatusCodes, out var statusCodes);
        Take(headers, HeaderNames.XEnvoyRetriableHeaderNames, out var headerNames);
        // Hedging is not served: x-envoy-hedge-on-per-try-timeout is consumed as Envoy does, and a per-try timeout retries.
        headers.Remove(HeaderNames.XEnvoyHedgeOnPerTryTimeout);
        if (retryOn.Count + retryGrpcOn.Count + maxRetries.Count + statusCodes.Count + headerNames.Count > 0)
        {
            plan = Clusters.Resilience.RetryPlan.WithRequestHeaders(plan, NullIfEmpty(retryOn), NullIfEmpty(retryGrpcOn), NullIfEmpty(maxRetries),
                NullIfEmpty(statusCodes), NullIfEmpty(headerNames));
        }
    }

    private static bool MatchesAny(Filters.Matching.HeaderMatcher[] matchers, HttpRequest request, string rawTarget)
    {
        foreach (var matcher in matchers)
        {
            if (matcher.Matches(request, rawTarget))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Take(IHeaderDictionary headers, string name, out Microsoft.Extensions.Primitives.StringValues value)
    {
        if (headers.TryGetValue(name, out value))
        {
            headers.Remove(name);
            return true;
        }

        return false;
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    private static TimeSpan? MillisecondsHeader(Microsoft.Extensions.Primitives.StringValues value) =>
        ulong.TryParse(value.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (ulong)int.MaxValue * 1000))
            : null;

    /// <summary>
    /// The stream's duration limit, as Envoy's refreshDurationTimeout: a gRPC request's grpc-timeout when the route
    /// sets grpc_timeout_header_max (capped by it, less grpc_timeout_header_offset), else the route's
    /// max_stream_duration (0s: none), else the HCM's. With the route's max_stream_duration set, a gRPC request's
    /// grpc-timeout is rewritten to the limit. Null when the stream is unlimited.
    /// </summary>
    private static TimeSpan? StreamDurationFor(HttpContext context, CompiledRoute route, TimeSpan? hcmDuration)
    {
        var config = route.Forward!.MaxStreamDuration;
        var headers = context.Request.Headers;
        var grpc = context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
        var grpcTimeout = grpc && config?.GrpcTimeoutHeaderMax is not null ? GrpcTimeout.Parse(headers[HeaderNames.GrpcTimeout].ToString()) : null;
        TimeSpan timeout;
        if (grpcTimeout is null || config?.GrpcTimeoutHeaderMax is not { } max)
        {
            if (config?.MaxStreamDuration is { } configured)
            {
                if (configured <= TimeSpan.Zero)
                {
                    return null;
                }

                timeout = configured;
            }
            else if (hcmDuration is { } fallback)
            {
                timeout = fallback;
            }
            else
            {
                return null;
            }
        }
        else
        {
            timeout = grpcTimeout.Value;
            if (timeout > max && max > TimeSpan.Zero)
            {
                timeout = max;
            }

            if (timeout > TimeSpan.Zero && config.GrpcTimeoutHeaderOffset is { } offset)
            {
                timeout = offset < timeout ? timeout - offset : TimeSpan.Zero;
            }
        }

        if (config is not null && grpc)
        {
            headers[HeaderNames.GrpcTimeout] = GrpcTimeout.Format(timeout);
        }

        return timeout;
    }

    /// <summary>
    /// A deadline fired. The route timeout (Envoy's onResponseTimeout): <c>upstream_rq_timeout</c> for the request in
    /// flight, an outlier timeout and a 504 counted when it was still waiting for headers, then 504 "upstream request
    /// timeout" (UT, response_timeout) or, when the response had started, the reset the forwarder already made.
    /// The stream duration (the connection manager's): <c>downstream_rq_max_duration_reached</c> and 504 (408 while
    /// the request was still arriving) "downstream duration timeout".
    /// </summary>
    private static async Task ReplyDeadlineAsync(HttpContext context, ListenerRuntime listener, RequestState state, ClusterEntry cluster,
        UpstreamEndpoint endpoint, RequestDeadline deadline, RouterRequestBody? body, ForwarderError error, bool inFlight, bool timeoutAlt)
    {
        var awaitingHeaders = error is not (ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyDestination or ForwarderError.None);
        if (deadline.Kind == DeadlineKind.StreamDuration)
        {
            Interlocked.Increment(ref listener.Stats.DownstreamRqMaxDurationReached);
            state.ResponseCodeDetails = "max_duration_timeout";
            if (context.Response.HasStarted)
            {
                state.ResetByDeadline = true;
                return;
            }

            var complete = body is null || body.Ended;
            context.Response.Clear();
            await state.SendLocalReplyAsync(new LocalReplyData(complete ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status408RequestTimeout,
                DownstreamDurationTimeoutBody, "max_duration_timeout")).ConfigureAwait(false);
            return;
        }

        if (inFlight)
        {
            Interlocked.Increment(ref cluster.Stats.UpstreamRqTimeout);
            Interlocked.Increment(ref endpoint.Stats.RqTimeout);
            if (awaitingHeaders)
            {
                cluster.ReportOutcome(endpoint, UpstreamOutcome.LocalFailure, timeoutAlt ? 204 : 504);
            }
        }

        if (context.Response.HasStarted)
        {
            (state.ResponseFlags, state.ResponseCodeDetails) = ("UT", "response_timeout");
            state.ResetByDeadline = true;
            return;
        }

        await ReplyTimeoutAsync(context, state, cluster, "response_timeout", timeoutAlt).ConfigureAwait(false);
    }

    /// <summary>Envoy's onUpstreamTimeoutAbort: 504 "upstream request timeout" (204 and no body with x-envoy-upstream-rq-timeout-alt-response), flag UT.</summary>
    private static Task ReplyTimeoutAsync(HttpContext context, RequestState state, ClusterEntry cluster, string details, bool timeoutAlt)
    {
        var status = timeoutAlt ? StatusCodes.Status204NoContent : StatusCodes.Status504GatewayTimeout;
        cluster.Stats.RecordStatus(status);
        state.ResponseFlags = "UT";
        context.Response.Clear();
        if (state.Route is { VirtualHost.IncludeAttemptCountInResponse: true })
        {
            context.Response.Headers[HeaderNames.XEnvoyAttemptCount] = AttemptText(state.AttemptCount);
        }

        return state.SendLocalReplyAsync(new LocalReplyData(status, timeoutAlt ? default : UpstreamReplyBodies.RequestTimeout, details));
    }

    private static readonly byte[] DownstreamDurationTimeoutBody = "downstream duration timeout"u8.ToArray();

    internal static string AttemptText(int attempts) => attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A path the connection manager's rules refused (400), or rewrote with UNESCAPE_AND_REDIRECT (307 to the
    /// new path; a gRPC client cannot follow a redirect, so it gets the 400).
    /// </summary>
    private static Task ReplyToPathNormalizationAsync(RequestState state, PathNormalizeAction action, string normalizedTarget)
    {
        var stats = state.Listener.Stats;
        if (action == PathNormalizeAction.Redirect && !LocalReplyWriter.IsGrpc(state.HttpContext.Request))
        {
            Interlocked.Increment(ref stats.DownstreamRqRedirectedWithNormalizedPath);
            state.HttpContext.Response.Headers.Location = normalizedTarget;
            return state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status307TemporaryRedirect, default, "path_normalization_failed"));
        }

        Interlocked.Increment(ref stats.DownstreamRqFailedPathNormalization);
        return state.SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status400BadRequest, default, "path_normalization_failed"));
    }

    /// <summary>REJECT_REQUEST of headers_with_underscores_action: HTTP/1's codec answers 400 and closes; HTTP/2's resets the stream.</summary>
    private static Task RejectUnderscoreHeaderAsync(HttpContext context, RequestState state)
    {
        if (HttpProtocol.IsHttp2(context.Request.Protocol) && context.Features.Get<IHttpResetFeature>() is { } reset)
        {
            reset.Reset(2); // INTERNAL_ERROR, as nghttp2 resets a stream its header callback failed
            return Task.CompletedTask;
        }

        return ReplyToCodecErrorAsync(context, state, new Codec.CodecError(StatusCodes.Status400BadRequest, "http1.unexpected_underscore"));
    }

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

    /// <summary>After one upstream attempt: stats and outlier report (a per-try timeout as Envoy's onPerTryTimeout).</summary>
    private static ForwarderError EndAttempt(HttpContext context, RequestState state, UpstreamAttempt attempt, RetryingTransformer? retry, ForwarderError error)
    {
        if (error == ForwarderError.None)
        {
            state.ResponseCodeDetails = "via_upstream";
            var status = retry is { SwallowedStatus: > 0 } ? retry.SwallowedStatus : context.Response.StatusCode;
            attempt.RecordResponse(status);
        }
        else if (retry is { PerTryTimedOut: true } && !context.RequestAborted.IsCancellationRequested)
        {
            // per_try_timeout fired before headers: upstream_rq_per_try_timeout, the host's rq_timeout, an outlier timeout.
            Interlocked.Increment(ref attempt.Entry.Stats.UpstreamRqPerTryTimeout);
            Interlocked.Increment(ref attempt.Endpoint.Stats.RqTimeout);
            attempt.Entry.ReportOutcome(attempt.Endpoint, UpstreamOutcome.LocalFailure, 504);
        }
        else if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination)
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

        if (retry.PerTryTimedOut)
        {
            return LocalFailureKind.Timeout;
        }

        switch (error)
        {
            case ForwarderError.RequestBodyDestination:
                return LocalFailureKind.Reset;
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
        if (route.ResponseHeaderLevels.Length > 0)
        {
            HeaderMutator.Apply(state.HttpContext.Response.Headers, route.ResponseHeaderLevels, state);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "upstream request to cluster '{Cluster}' host {Host} failed: {Error} {Reason}")]
        public static partial void ForwardFailed(ILogger logger, string cluster, string host, ForwarderError error, string? reason);
    }
}
