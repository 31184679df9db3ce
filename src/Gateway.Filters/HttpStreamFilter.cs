namespace Gateway.Filters;

/// <summary>
/// The hooks of one filter for one request (Envoy's StreamFilter). Decoding runs in http_filters order,
/// encoding in reverse order. Request headers are <c>context.HttpContext.Request.Headers</c>, response
/// headers and status <c>context.HttpContext.Response</c>; body hooks get the data as a
/// <see cref="BodyBuffer"/> they may change. Only the hooks named in <see cref="IHttpFilter.Phases"/>
/// are called.
/// </summary>
public abstract class HttpStreamFilter
{
    protected static ValueTask<FilterStatus> Continue => ValueTask.FromResult(FilterStatus.Continue);

    /// <param name="endOfStream">True when the request has no body.</param>
    public virtual ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) => Continue;

    public virtual ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream) => Continue;

    /// <summary>Request trailers are <c>context.HttpContext.Request</c>'s trailers (IHttpRequestTrailersFeature).</summary>
    public virtual ValueTask<FilterStatus> OnRequestTrailersAsync(HttpFilterContext context) => Continue;

    /// <param name="endOfStream">True when the response has no body (HEAD, 204, 304, content-length 0).</param>
    public virtual ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream) => Continue;

    public virtual ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream) => Continue;

    /// <summary>Response trailers are in IHttpResponseTrailersFeature.</summary>
    public virtual ValueTask<FilterStatus> OnResponseTrailersAsync(HttpFilterContext context) => Continue;

    /// <summary>The request is over (answered, reset or failed): Envoy's onDestroy. Release what the filter holds.</summary>
    public virtual void OnStreamComplete(HttpFilterContext context)
    {
    }
}
