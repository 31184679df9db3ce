using System.Diagnostics;
using System.Globalization;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Turns the downstream request into the upstream one the way Envoy's router does: the raw request
/// target (rewritten when the route says so), the client's Host unless a host rewrite applies, and no
/// X-Forwarded-* beyond what the connection manager already set. On the way back it applies the
/// server header rule, <c>x-envoy-upstream-service-time</c> and the response header edits.
/// One instance per listener; per-request facts come from the <see cref="RequestState"/> feature.
/// </summary>
public sealed class EnvoyHttpTransformer : HttpTransformer
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly ListenerRuntime _listener;

    public EnvoyHttpTransformer(ListenerRuntime listener)
    {
        _listener = listener;
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var state = httpContext.Features.GetRequiredFeature<RequestState>();
        var route = state.Route!;
        var target = httpContext.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        string? rewrittenHost = null;
        if (route.HasHostRewrite)
        {
            // Envoy rewrites the Host before the path, from the path as received.
            rewrittenHost = route.Forward!.AutoHostRewrite ? state.UpstreamHostname : route.RewriteHost(httpContext.Request, target, PathLength(target));
            if (rewrittenHost is not null)
            {
                RecordOriginalHost(httpContext.Request, route.Forward!.AppendXForwardedHost);
            }
        }

        if (route.HasRewrite)
        {
            target = route.RewriteTarget(target, PathLength(target));
        }

        // The raw target as the client sent it (Envoy does not normalise paths), set before the base
        // copies the headers so the forwarder does not build a second Uri from the decoded path.
        var uri = state.Endpoint is { } endpoint && ReferenceEquals(endpoint.DestinationPrefix, destinationPrefix)
            ? endpoint.UriFor(target)
            : new Uri(destinationPrefix + target, RawUri);
        proxyRequest.RequestUri = uri;
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(proxyRequest.RequestUri, uri))
        {
            proxyRequest.RequestUri = uri;
        }
        if (httpContext.Request.Headers.Expect.Count > 0 && proxyRequest.Headers.ExpectContinue == true)
        {
            // Envoy answers 100-continue itself (Kestrel sends it when the body is first read) and does not forward Expect.
            proxyRequest.Headers.ExpectContinue = null;
        }

        if (route.VirtualHost.IncludeRequestAttemptCount)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.XEnvoyAttemptCount, ProxyHandler.AttemptText(state.AttemptCount));
        }

        if (state.ForwardTeTrailers)
        {
            proxyRequest.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        // auto_host_rewrite sends the DNS cluster host's name without its port; STATIC hosts have no name,
        // so the client's Host is kept for them.
        proxyRequest.Headers.Host = rewrittenHost ?? httpContext.Request.Host.Value;

        state.UpstreamStartTimestamp = Stopwatch.GetTimestamp();
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (proxyResponse is null)
        {
            return copyBody;
        }

        var headers = httpContext.Response.Headers;
        switch (_listener.Http.ServerHeaderTransformation)
        {
            case ServerHeaderTransformation.Overwrite:
                headers.Server = _listener.ServerName;
                break;
            case ServerHeaderTransformation.AppendIfAbsent:
                if (headers.Server.Count == 0)
                {
                    headers.Server = _listener.ServerName;
                }

                break;
        }

        var state = httpContext.Features.GetRequiredFeature<RequestState>();
        state.CheckResponseBeforeRequestComplete(httpContext.Response);
        if (!_listener.Router.SuppressEnvoyHeaders)
        {
            var elapsed = (long)Stopwatch.GetElapsedTime(state.UpstreamStartTimestamp).TotalMilliseconds;
            headers[HeaderNames.XEnvoyUpstreamServiceTime] = MillisecondsText(elapsed);
        }

        var route = state.Route!;
        if (route.VirtualHost.IncludeAttemptCountInResponse)
        {
            headers[HeaderNames.XEnvoyAttemptCount] = ProxyHandler.AttemptText(state.AttemptCount);
        }

        if (state.ClusterHeaders is { } clusterHeaders)
        {
            HeaderMutator.Apply(headers, clusterHeaders.ResponseHeadersToRemove, clusterHeaders.ResponseHeadersToAdd, state);
        }

        if (route.ResponseHeaderLevels.Length > 0)
        {
            HeaderMutator.Apply(headers, route.ResponseHeaderLevels, state);
        }

        // The encoder filters see the response as the router passes it on (Envoy's router is the first encoder).
        if (state.FilterManager is { } filters && copyBody)
        {
            return await filters.EncodeHeadersAsync(HasNoBody(httpContext, proxyResponse)).ConfigureAwait(false);
        }

        return copyBody;
    }

    public override async ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        await base.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (httpContext.Features.Get<RequestState>()?.FilterManager is { } filters)
        {
            // The body is complete before the trailers: data hooks see their end of stream first.
            await filters.EndResponseDataAsync().ConfigureAwait(false);
            await filters.EncodeTrailersAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// On a host rewrite Envoy keeps the Host it replaces: in <c>x-envoy-original-host</c> (since 1.35, unless
    /// suppress_envoy_headers) and, with append_x_forwarded_host, appended to <c>x-forwarded-host</c> unless it
    /// is already the last value there (envoy.reloadable_features.append_xfh_idempotent). Set on the downstream
    /// headers, as Envoy mutates them, so the access log sees them too.
    /// </summary>
    private void RecordOriginalHost(HttpRequest request, bool appendXForwardedHost)
    {
        var original = request.Host.Value;
        if (string.IsNullOrEmpty(original))
        {
            return;
        }

        var headers = request.Headers;
        if (!_listener.Router.SuppressEnvoyHeaders)
        {
            headers[HeaderNames.XEnvoyOriginalHost] = original;
        }

        if (appendXForwardedHost)
        {
            var forwarded = headers[HeaderNames.XForwardedHost].ToString();
            if (forwarded.Length == 0)
            {
                headers[HeaderNames.XForwardedHost] = original;
            }
            else if (!forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim().Equals(original, StringComparison.Ordinal))
            {
                headers[HeaderNames.XForwardedHost] = forwarded + "," + original;
            }
        }
    }

    private static bool HasNoBody(HttpContext httpContext, HttpResponseMessage response) =>
        HttpMethods.IsHead(httpContext.Request.Method) ||
        response.StatusCode is System.Net.HttpStatusCode.NoContent or System.Net.HttpStatusCode.NotModified ||
        response.Content.Headers.ContentLength == 0;

    // Most upstreams answer within a second: their service-time values are formatted once and reused.
    private static readonly string?[] SmallMilliseconds = new string?[1024];

    private static string MillisecondsText(long milliseconds) =>
        (ulong)milliseconds < (ulong)SmallMilliseconds.Length
            ? SmallMilliseconds[milliseconds] ??= milliseconds.ToString(CultureInfo.InvariantCulture)
            : milliseconds.ToString(CultureInfo.InvariantCulture);

    internal static int PathLength(string target)
    {
        var q = target.IndexOf('?');
        return q < 0 ? target.Length : q;
    }
}
