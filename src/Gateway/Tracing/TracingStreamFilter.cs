using System.Diagnostics;
using System.Globalization;
using Gateway.Filters;
using Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tracing;

/// <summary>One request's spans: started on the request headers, tagged and finished when the request is over.</summary>
internal sealed class TracingStreamFilter : HttpStreamFilter
{
    private const string DecoratorHeader = "x-envoy-decorator-operation";

    private readonly TracingFilter _owner;
    private TraceSpan? _span;
    private TraceSpan? _upstream;

    public TracingStreamFilter(TracingFilter owner)
    {
        _owner = owner;
    }

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        var http = context.HttpContext;
        var headers = http.Request.Headers;
        var traced = TracingSampler.Decide(_owner.Config, http);
        var start = context is RequestState state
            ? DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(state.StartTimestamp)
            : DateTimeOffset.UtcNow;
        // An ingress request's x-envoy-decorator-operation overrides the route's decorator (Envoy's rule).
        var name = headers[DecoratorHeader].ToString() is { Length: > 0 } fromClient
            ? fromClient
            : context.RouteEntry?.DecoratorOperation ?? "ingress";
        var tracer = _owner.Tracer;
        _span = tracer.StartServerSpan(headers, name, traced, start);
        if (_owner.UpstreamSpan && context.RouteClusterName is { } cluster)
        {
            _upstream = tracer.StartChildSpan(_span, "router " + cluster + " egress", DateTimeOffset.UtcNow);
        }

        tracer.Inject(_upstream ?? _span, headers);
        return Continue;
    }

    public override void OnStreamComplete(HttpFilterContext context)
    {
        var span = _span;
        if (span is null)
        {
            return;
        }

        _span = null;
        if (span.Sampled)
        {
            Tag(context, span);
        }

        if (_upstream is { } upstream)
        {
            if (upstream.Sampled)
            {
                TagUpstream(context, upstream);
            }

            upstream.Finish();
            _upstream = null;
        }

        span.Finish();
    }

    /// <summary>The server span's tags, with Envoy's names (HttpTracerUtility::finalizeDownstreamSpan).</summary>
    private void Tag(HttpFilterContext context, TraceSpan span)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var headers = request.Headers;
        span.SetTag("component", "proxy");
        if (context.RequestId is { Length: > 0 } requestId)
        {
            span.SetTag("guid:x-request-id", requestId);
        }

        var url = request.Scheme + "://" + request.Host.Value + (context is RequestState s && s.RawTarget.Length > 0 ? s.RawTarget : request.Path.Value + request.QueryString.Value);
        var max = _owner.Config.MaxPathTagLength;
        span.SetTag("http.url", url.Length > max ? url[..max] : url);
        span.SetTag("http.method", request.Method);
        span.SetTag("downstream_cluster", headers["x-envoy-downstream-service-cluster"].ToString() is { Length: > 0 } dc ? dc : "-");
        span.SetTag("user_agent", headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : "-");
        span.SetTag("http.protocol", request.Protocol);
        if (http.Connection.RemoteIpAddress is { } peer)
        {
            span.SetTag("peer.address", peer.ToString());
        }

        var status = http.Response.StatusCode;
        span.SetTag("http.status_code", status.ToString(CultureInfo.InvariantCulture));
        span.SetTag("response_flags", context.ResponseFlags is { Length: > 0 } flags ? flags : "-");
        if (context is RequestState state)
        {
            if (state.UpstreamCluster is { } cluster)
            {
                span.SetTag("upstream_cluster", cluster);
                span.SetTag("upstream_cluster.name", cluster);
            }

            if (state.UpstreamHost is { } host)
            {
                span.SetTag("upstream_address", host);
            }
        }

        if (status >= 500)
        {
            span.SetTag("error", "true");
        }

        foreach (var (name, value) in _owner.StaticTags)
        {
            span.SetTag(name, value);
        }

        foreach (var tag in _owner.HeaderTags)
        {
            if ((headers[tag.Value].ToString() is { Length: > 0 } value ? value : tag.DefaultValue) is { } tagValue)
            {
                span.SetTag(tag.Tag, tagValue);
            }
        }
    }

    /// <summary>The router's upstream span tags (finalizeUpstreamSpan).</summary>
    private static void TagUpstream(HttpFilterContext context, TraceSpan span)
    {
        span.SetTag("component", "proxy");
        var status = context.HttpContext.Response.StatusCode;
        span.SetTag("http.protocol", context.HttpContext.Request.Protocol);
        if (context is RequestState state)
        {
            if (state.UpstreamCluster is { } cluster)
            {
                span.SetTag("upstream_cluster", cluster);
                span.SetTag("upstream_cluster.name", cluster);
            }

            if (state.UpstreamHost is { } host)
            {
                span.SetTag("upstream_address", host);
            }
        }

        span.SetTag("http.status_code", status.ToString(CultureInfo.InvariantCulture));
        span.SetTag("response_flags", context.ResponseFlags is { Length: > 0 } flags ? flags : "-");
        if (status >= 500)
        {
            span.SetTag("error", "true");
        }
    }
}
