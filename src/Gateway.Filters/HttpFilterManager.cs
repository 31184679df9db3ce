using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters;

/// <summary>
/// Runs one request through its listener's filter chain (Envoy's FilterManager): request headers, data
/// and trailers through the active filters in order, response headers, data and trailers in reverse
/// order; a filter may continue, buffer the whole body first, or stop with a local reply, which goes
/// back through the encoder filters already passed. Created only for a request whose listener has
/// filters; body interception is installed only when an active filter reads bodies.
/// </summary>
public sealed class HttpFilterManager
{
    private static readonly byte[] PayloadTooLarge = "Payload Too Large"u8.ToArray();
    private static readonly byte[] InternalServerError = "Internal Server Error"u8.ToArray();

    private readonly HttpFilterContext _context;
    private readonly IHttpFilter[] _filters;
    private readonly HttpStreamFilter[] _streams;
    private readonly HttpFilterPhases[] _phases;
    private readonly int _count;
    private readonly HttpFilterPhases _activePhases;

    // Decoding: the last filter whose request-headers hook ran (local replies encode back from it).
    private int _decodedUpTo = -1;
    private BodyBuffer?[]? _requestHeld;

    // Encoding: where response encoding starts (the last filter for an upstream response), which
    // filter holds the response headers until the body is complete, and what each buffering filter holds.
    private int _encodeStart = -1;
    private int _headersHeldAt = -1;
    private BodyBuffer?[]? _responseHeld;
    private bool _responseBuffered;
    private bool _responseHeadersEncoded;
    private bool _responseDataEnded;
    private FilteredResponseBody? _responseBody;
    private LocalReplyData? _deferredReply;
    private bool _completed;

    private HttpFilterManager(HttpFilterContext context, IHttpFilter[] filters, HttpFilterPhases[] phases, int count)
    {
        _context = context;
        _filters = filters;
        _phases = phases;
        _count = count;
        _streams = new HttpStreamFilter[count];
        for (var i = 0; i < count; i++)
        {
            _activePhases |= phases[i];
            _streams[i] = filters[i].CreateStreamFilter(context);
        }

        if ((_activePhases & HttpFilterPhases.ResponseData) != 0)
        {
            var inner = context.HttpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            _responseBody = new FilteredResponseBody(inner, this);
            context.HttpContext.Features.Set<IHttpResponseBodyFeature>(_responseBody);
        }
    }

    /// <summary>How many filters run for this request.</summary>
    public int Count => _count;

    /// <summary>Encoding a reply from outside the chain (the router) starts at the last filter.</summary>
    internal int EncoderCount => _count;

    /// <summary>The phases of the filters active for this request.</summary>
    public HttpFilterPhases ActivePhases => _activePhases;

    /// <summary>
    /// Starts the chain for a request: the filters active on its route (http_filters disabled ones only
    /// where a route enables them; a route's FilterConfig disabled skips one). Null when none is active.
    /// </summary>
    public static HttpFilterManager? Start(HttpFilterChain chain, HttpFilterContext context)
    {
        if (chain.IsEmpty)
        {
            return null;
        }

        HttpFilterManager manager;
        if (!chain.AnyDisabledByDefault && !context.HasPerFilterConfigs)
        {
            manager = new HttpFilterManager(context, chain.FilterArray, chain.PhaseArray, chain.Count);
        }
        else
        {
            var filters = new List<IHttpFilter>(chain.Count);
            var phases = new List<HttpFilterPhases>(chain.Count);
            for (var i = 0; i < chain.Count; i++)
            {
                var filter = chain.FilterArray[i];
                var perRoute = context.PerFilterConfigFor(filter.Name);
                var active = perRoute is null ? !chain.IsDisabledByDefault(i) : !perRoute.Disabled;
                if (active)
                {
                    filters.Add(filter);
                    phases.Add(chain.PhaseArray[i]);
                }
            }

            if (filters.Count == 0)
            {
                return null;
            }

            manager = new HttpFilterManager(context, filters.ToArray(), phases.ToArray(), filters.Count);
        }

        context.FilterManager = manager;
        return manager;
    }

    /// <summary>The filters run for this request, in order.</summary>
    public IReadOnlyList<IHttpFilter> ActiveFilters => _count == _filters.Length ? _filters : _filters[.._count];

    // ------------------------------------------------------------------ decoding

    /// <summary>
    /// Runs the request-headers hooks (and, where a filter buffers, the whole body through the data hooks).
    /// Returns false when a filter answered or stopped the request: the reply has been sent.
    /// </summary>
    public async ValueTask<bool> DecodeHeadersAsync()
    {
        var http = _context.HttpContext;
        var endOfStream = !(http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true);
        for (var i = 0; i < _count; i++)
        {
            _decodedUpTo = i;
            if ((_phases[i] & HttpFilterPhases.RequestHeaders) == 0)
            {
                continue;
            }

            var status = await _streams[i].OnRequestHeadersAsync(_context, endOfStream).ConfigureAwait(false);
            if (status == FilterStatus.Continue || (status == FilterStatus.StopAndBuffer && endOfStream))
            {
                continue;
            }

            if (status == FilterStatus.StopIteration)
            {
                await StoppedAsync(i).ConfigureAwait(false);
                return false;
            }

            return await BufferRequestAsync(i).ConfigureAwait(false);
        }

        if (!endOfStream && (_activePhases & (HttpFilterPhases.RequestData | HttpFilterPhases.RequestTrailers)) != 0)
        {
            http.Request.Body = new FilteredRequestBody(http.Request.Body, this);
        }

        return true;
    }

    /// <summary>Filter <paramref name="from"/> held the request: read the whole body, then resume the chain with it.</summary>
    private async ValueTask<bool> BufferRequestAsync(int from)
    {
        var http = _context.HttpContext;
        var body = new BodyBuffer();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            if (!await ReadWholeBodyAsync(http, body, chunk, from).ConfigureAwait(false))
            {
                return false;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return await ResumeBufferedRequestAsync(from, body).ConfigureAwait(false);
    }

    /// <summary>Reads the request body into <paramref name="body"/>; false when the client left or the body is over the limit (413 sent).</summary>
    private async ValueTask<bool> ReadWholeBodyAsync(HttpContext http, BodyBuffer body, byte[] chunk, int from)
    {
        while (true)
        {
            int read;
            try
            {
                read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                _context.ResponseFlags ??= "DC";
                _context.ResponseCodeDetails ??= "downstream_remote_disconnect";
                return false;
            }

            if (read == 0)
            {
                break;
            }

            body.Append(chunk.AsSpan(0, read));
            if (body.Length > _context.BufferLimitBytes)
            {
                await SendLocalReplyAsync(new LocalReplyData(StatusCodes.Status413PayloadTooLarge, PayloadTooLarge, "request_payload_too_large"), from).ConfigureAwait(false);
                return false;
            }
        }

        return true;
    }

    /// <summary>The whole request body is in: filter <paramref name="from"/> and those after it see it, then it goes upstream.</summary>
    private async ValueTask<bool> ResumeBufferedRequestAsync(int from, BodyBuffer body)
    {
        var http = _context.HttpContext;
        for (var i = from; i < _count; i++)
        {
            _decodedUpTo = i;
            var phases = _phases[i];
            if (i > from && (phases & HttpFilterPhases.RequestHeaders) != 0)
            {
                var headersStatus = await _streams[i].OnRequestHeadersAsync(_context, false).ConfigureAwait(false);
                if (headersStatus == FilterStatus.StopIteration)
                {
                    await StoppedAsync(i).ConfigureAwait(false);
                    return false;
                }
            }

            if ((phases & HttpFilterPhases.RequestData) != 0)
            {
                var dataStatus = await _streams[i].OnRequestDataAsync(_context, body, true).ConfigureAwait(false);
                if (dataStatus == FilterStatus.StopIteration)
                {
                    await StoppedAsync(i).ConfigureAwait(false);
                    return false;
                }
            }

            if ((phases & HttpFilterPhases.RequestTrailers) != 0 && HasRequestTrailers(http))
            {
                if (await _streams[i].OnRequestTrailersAsync(_context).ConfigureAwait(false) == FilterStatus.StopIteration)
                {
                    await StoppedAsync(i).ConfigureAwait(false);
                    return false;
                }
            }
        }

        // The upstream gets the (possibly changed) buffered body with its real length.
        var bytes = body.ToArray();
        body.Clear();
        http.Request.Body = new MemoryStream(bytes, writable: false);
        http.Request.Headers.Remove("Transfer-Encoding");
        http.Request.ContentLength = bytes.Length;
        return true;
    }

    /// <summary>
    /// Streams one chunk of request body through the data hooks of the active filters; returns what goes
    /// upstream (empty while a filter buffers), or null when a filter stopped the request (the reply is
    /// deferred until the forwarder has given up: see <see cref="SendDeferredReplyAsync"/>).
    /// </summary>
    internal async ValueTask<BodyBuffer?> DecodeDataAsync(BodyBuffer data, bool endOfStream)
    {
        for (var i = 0; i < _count; i++)
        {
            if ((_phases[i] & HttpFilterPhases.RequestData) == 0)
            {
                continue;
            }

            if (_requestHeld?[i] is { } held)
            {
                held.Append(data.Span);
                data.Clear();
                if (held.Length > _context.BufferLimitBytes)
                {
                    _deferredReply = new LocalReplyData(StatusCodes.Status413PayloadTooLarge, PayloadTooLarge, "request_payload_too_large");
                    _deferredFrom = i;
                    return null;
                }

                if (!endOfStream)
                {
                    return data;
                }

                _requestHeld[i] = null;
                data = held;
            }

            var status = await _streams[i].OnRequestDataAsync(_context, data, endOfStream).ConfigureAwait(false);
            if (status == FilterStatus.StopAndBuffer && !endOfStream)
            {
                _requestHeld ??= new BodyBuffer?[_count];
                var hold = new BodyBuffer();
                data.MoveTo(hold);
                _requestHeld[i] = hold;
                return data;
            }

            if (status == FilterStatus.StopIteration)
            {
                _deferredReply = _context.TakePendingLocalReply();
                _deferredFrom = i;
                return null;
            }
        }

        return data;
    }

    private int _deferredFrom;

    /// <summary>The request trailers arrived (streamed body at its end): run the trailers hooks.</summary>
    internal async ValueTask<bool> DecodeTrailersAsync()
    {
        if (!HasRequestTrailers(_context.HttpContext))
        {
            return true;
        }

        for (var i = 0; i < _count; i++)
        {
            if ((_phases[i] & HttpFilterPhases.RequestTrailers) != 0 &&
                await _streams[i].OnRequestTrailersAsync(_context).ConfigureAwait(false) == FilterStatus.StopIteration)
            {
                _deferredReply = _context.TakePendingLocalReply();
                _deferredFrom = i;
                return false;
            }
        }

        return true;
    }

    /// <summary>True when a filter stopped a streamed request body; the gateway sends the reply with <see cref="SendDeferredReplyAsync"/>.</summary>
    public bool HasDeferredReply => _deferredReply is not null;

    /// <summary>Sends the reply a filter asked for while the body streamed (after the forwarder was cut off).</summary>
    public Task SendDeferredReplyAsync()
    {
        var reply = _deferredReply;
        _deferredReply = null;
        if (reply is null)
        {
            return Task.CompletedTask;
        }

        _context.HttpContext.Response.Clear();
        return SendLocalReplyAsync(reply, _deferredFrom);
    }

    private static bool HasRequestTrailers(HttpContext http) =>
        http.Features.Get<IHttpRequestTrailersFeature>() is { Available: true, Trailers.Count: > 0 };

    /// <summary>Filter <paramref name="index"/> returned StopIteration: send the reply it asked for, if any.</summary>
    private Task StoppedAsync(int index)
    {
        var reply = _context.TakePendingLocalReply();
        return reply is null ? Task.CompletedTask : SendLocalReplyAsync(reply, index);
    }

    // ------------------------------------------------------------------ encoding

    /// <summary>
    /// Runs the response-headers hooks for the upstream's response (the router's headers already applied).
    /// Returns false when a filter replaced the response with a local reply (the body is not to be copied).
    /// </summary>
    public ValueTask<bool> EncodeHeadersAsync(bool endOfStream) => EncodeHeadersFromAsync(_count - 1, endOfStream);

    private async ValueTask<bool> EncodeHeadersFromAsync(int start, bool endOfStream)
    {
        _encodeStart = start;
        _responseHeadersEncoded = true;
        for (var i = start; i >= 0; i--)
        {
            if ((_phases[i] & HttpFilterPhases.ResponseHeaders) == 0)
            {
                continue;
            }

            var status = await _streams[i].OnResponseHeadersAsync(_context, endOfStream).ConfigureAwait(false);
            if (status == FilterStatus.Continue)
            {
                continue;
            }

            if (status == FilterStatus.StopIteration)
            {
                await ReplaceResponseAsync(_context.TakePendingLocalReply()).ConfigureAwait(false);
                return false;
            }

            // StopAndBuffer: hold the headers (and everything after) until this filter has the whole body.
            if (!endOfStream && _responseBody is not null && (_phases[i] & HttpFilterPhases.ResponseData) != 0)
            {
                _headersHeldAt = i;
                _responseHeld ??= new BodyBuffer?[_count];
                _responseHeld[i] = new BodyBuffer();
                _responseBody.Hold();
                return true;
            }
        }

        return true;
    }

    /// <summary>
    /// Streams response body data through the data hooks (reverse order) from where encoding started;
    /// returns what goes to the client, or null when a filter replaced the response.
    /// </summary>
    internal async ValueTask<BodyBuffer?> EncodeDataAsync(BodyBuffer data, bool endOfStream)
    {
        for (var i = _encodeStart; i >= 0; i--)
        {
            var held = _responseHeld?[i];
            if (held is null && (_phases[i] & HttpFilterPhases.ResponseData) == 0)
            {
                continue;
            }

            if (held is not null)
            {
                held.Append(data.Span);
                data.Clear();
                if (held.Length > _context.BufferLimitBytes)
                {
                    _responseHeld![i] = null;
                    await ReplaceResponseAsync(new LocalReplyData(StatusCodes.Status500InternalServerError, InternalServerError, "response_payload_too_large")).ConfigureAwait(false);
                    return null;
                }

                if (!endOfStream)
                {
                    return data;
                }

                _responseHeld![i] = null;
                data = held;
                _responseBuffered = true;
            }

            var status = await _streams[i].OnResponseDataAsync(_context, data, endOfStream).ConfigureAwait(false);
            if (status == FilterStatus.StopAndBuffer && !endOfStream)
            {
                _responseHeld ??= new BodyBuffer?[_count];
                var hold = new BodyBuffer();
                data.MoveTo(hold);
                _responseHeld[i] = hold;
                _responseBody?.Hold();
                return data;
            }

            if (status == FilterStatus.StopIteration)
            {
                await ReplaceResponseAsync(_context.TakePendingLocalReply()).ConfigureAwait(false);
                return null;
            }

            if (_headersHeldAt == i)
            {
                // The held headers go on through the filters after this one, now that the body is whole.
                _headersHeldAt = -1;
                for (var k = i - 1; k >= 0; k--)
                {
                    if ((_phases[k] & HttpFilterPhases.ResponseHeaders) == 0)
                    {
                        continue;
                    }

                    if (await _streams[k].OnResponseHeadersAsync(_context, data.IsEmpty).ConfigureAwait(false) == FilterStatus.StopIteration)
                    {
                        await ReplaceResponseAsync(_context.TakePendingLocalReply()).ConfigureAwait(false);
                        return null;
                    }
                }
            }
        }

        if (_responseBuffered && endOfStream)
        {
            // A buffering filter may have changed the body: the length sent is the length of what is sent.
            var response = _context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is not null)
            {
                response.ContentLength = data.Length;
            }
        }

        return data;
    }

    /// <summary>
    /// Ends the response body (end of stream through the data hooks, so compressors flush) once the
    /// upstream's body, or a local reply's, has been written. Idempotent.
    /// </summary>
    public async ValueTask EndResponseDataAsync()
    {
        if (_responseDataEnded || _responseBody is null || !_responseHeadersEncoded)
        {
            return;
        }

        _responseDataEnded = true;
        await _responseBody.EndAsync().ConfigureAwait(false);
    }

    /// <summary>Runs the response-trailers hooks (after the body, before the trailers are sent).</summary>
    public async ValueTask EncodeTrailersAsync()
    {
        if ((_activePhases & HttpFilterPhases.ResponseTrailers) == 0 || !_responseHeadersEncoded)
        {
            return;
        }

        for (var i = _encodeStart; i >= 0; i--)
        {
            if ((_phases[i] & HttpFilterPhases.ResponseTrailers) != 0)
            {
                await _streams[i].OnResponseTrailersAsync(_context).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Sends a local reply through the encoder filters from <paramref name="from"/> back to the first.
    /// Once response encoding has begun, a reply replaces the response directly, as Envoy's does.
    /// </summary>
    internal async Task SendLocalReplyAsync(LocalReplyData reply, int from)
    {
        var response = _context.HttpContext.Response;
        if (response.HasStarted)
        {
            _context.HttpContext.Abort();
            return;
        }

        if (_responseHeadersEncoded)
        {
            await ReplaceResponseAsync(reply).ConfigureAwait(false);
            return;
        }

        LocalReplyWriter.RecordFlags(_context, reply);
        reply = _context.MapLocalReply(reply);
        LocalReplyWriter.Prepare(_context, reply, out var body);
        if (!await EncodeHeadersFromAsync(Math.Min(from, _count - 1), body.IsEmpty).ConfigureAwait(false))
        {
            return;
        }

        if (!body.IsEmpty && !HttpMethods.IsHead(_context.HttpContext.Request.Method))
        {
            await response.Body.WriteAsync(body, _context.HttpContext.RequestAborted).ConfigureAwait(false);
        }

        await EndResponseDataAsync().ConfigureAwait(false);
    }

    /// <summary>Replaces a response being encoded with a local reply, bypassing the filters (Envoy's sendDirectLocalReply).</summary>
    private async Task ReplaceResponseAsync(LocalReplyData? reply)
    {
        var http = _context.HttpContext;
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }

        _responseDataEnded = true;
        _responseBody?.Bypass();
        if (reply is null)
        {
            http.Abort();
            return;
        }

        http.Response.Clear();
        await LocalReplyWriter.WriteDirectAsync(_context, reply).ConfigureAwait(false);
        _responseBody?.Discard();
    }

    /// <summary>The request is over: each stream filter's OnStreamComplete, once.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        for (var i = 0; i < _count; i++)
        {
            _streams[i].OnStreamComplete(_context);
        }
    }
}
