using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Wasm;

/// <summary>
/// One request's stream context in its pinned instance. Each hook enters plugin code under the
/// instance's gate and maps the returned action onto the contract: Continue goes on; a pause with the
/// body still to come buffers it (Envoy keeps delivering body to a paused filter); any other pause awaits
/// a TaskCompletionSource that proxy_continue_stream, proxy_send_local_response or proxy_close_stream
/// (typically from an http call response) completes. The gate is never held while waiting.
/// </summary>
internal sealed class WasmStreamFilter : HttpStreamFilter
{
    private readonly WasmPlugin _plugin;
    private readonly WasmInstance _instance;
    private WasmContext? _context;
    private bool _bypassed;
    private bool _closed;
    private bool _resumedRequest;
    private bool _resumedResponse;
    private LocalReplyData? _localReply;
    private TaskCompletionSource? _waiter;
    private int _waitingSide = -1;
    private WasmTrapException? _asyncFailure;

    public WasmStreamFilter(WasmPlugin plugin, WasmInstance instance, HttpFilterContext context)
    {
        _plugin = plugin;
        _instance = instance;
        FilterContext = context;
    }

    public HttpFilterContext FilterContext { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The body being delivered to a body callback, else null.</summary>
    public BodyBuffer? RequestBody { get; private set; }

    public BodyBuffer? ResponseBody { get; private set; }

    public bool InResponse { get; private set; }

    /// <summary>Set by request header changes: the route is chosen again once the callback returns, as Envoy clears the route cache.</summary>
    public bool RequestHeadersChanged { get; set; }

    public int PendingCalls { get; set; }

    /// <summary>Values set with proxy_set_property.</summary>
    public Dictionary<string, byte[]>? Properties { get; set; }

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        if (_bypassed)
        {
            return Continue;
        }

        var request = context.HttpContext.Request;
        var count = request.Headers.Count + 4 - (request.Headers.ContainsKey("Host") ? 1 : 0);
        return Run(ProxyWasmAbi.StreamRequest, headers: true, endOfStream, i => i.OnRequestHeaders(_context!, count, endOfStream));
    }

    public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
    {
        if (_bypassed)
        {
            return Continue;
        }

        RequestBody = data;
        return Run(ProxyWasmAbi.StreamRequest, headers: false, endOfStream, i => i.OnRequestBody(_context!, data.Length, endOfStream));
    }

    public override ValueTask<FilterStatus> OnRequestTrailersAsync(HttpFilterContext context)
    {
        if (_bypassed)
        {
            return Continue;
        }

        var count = WasmHeaderMaps.Pairs(_context ?? _instance.Root, ProxyWasmAbi.MapRequestTrailers, out var pairs) == ProxyWasmAbi.Ok ? pairs.Count : 0;
        return Run(ProxyWasmAbi.StreamRequest, headers: false, true, i => i.OnRequestTrailers(_context!, count));
    }

    public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        if (_bypassed)
        {
            return Continue;
        }

        InResponse = true;
        RequestBody = null;
        var count = context.HttpContext.Response.Headers.Count + 1;
        return Run(ProxyWasmAbi.StreamResponse, headers: true, endOfStream, i => i.OnResponseHeaders(_context!, count, endOfStream));
    }

    public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
    {
        if (_bypassed)
        {
            return Continue;
        }

        ResponseBody = data;
        return Run(ProxyWasmAbi.StreamResponse, headers: false, endOfStream, i => i.OnResponseBody(_context!, data.Length, endOfStream));
    }

    public override ValueTask<FilterStatus> OnResponseTrailersAsync(HttpFilterContext context)
    {
        if (_bypassed)
        {
            return Continue;
        }

        var count = WasmHeaderMaps.Pairs(_context ?? _instance.Root, ProxyWasmAbi.MapResponseTrailers, out var pairs) == ProxyWasmAbi.Ok ? pairs.Count : 0;
        return Run(ProxyWasmAbi.StreamResponse, headers: false, true, i => i.OnResponseTrailers(_context!, count));
    }

    public override void OnStreamComplete(HttpFilterContext context)
    {
        TaskCompletionSource? waiter;
        lock (_instance.Gate)
        {
            waiter = _waiter;
            _waiter = null;
            if (_context is not null && !_bypassed)
            {
                try
                {
                    _instance.DestroyStreamContext(_context);
                }
                catch (WasmTrapException e)
                {
                    _plugin.OnTrap(_instance, e);
                }
            }

            _context = null;
        }

        waiter?.TrySetResult();
    }

    private ValueTask<FilterStatus> Run(int side, bool headers, bool endOfStream, Func<WasmInstance, int> callback)
    {
        int action;
        lock (_instance.Gate)
        {
            try
            {
                _context ??= _instance.CreateStreamContext(this);
                if (side == ProxyWasmAbi.StreamRequest)
                {
                    _resumedRequest = false;
                }
                else
                {
                    _resumedResponse = false;
                }

                action = callback(_instance);
            }
            catch (WasmTrapException e)
            {
                _plugin.OnTrap(_instance, e);
                return ValueTask.FromResult(Failed());
            }
            finally
            {
                RequestBody = side == ProxyWasmAbi.StreamRequest && !headers ? null : RequestBody;
                ResponseBody = side == ProxyWasmAbi.StreamResponse && !headers ? null : ResponseBody;
            }

            ApplyRouteCache();
            if (Decided(side, action, headers, endOfStream) is { } status)
            {
                return ValueTask.FromResult(status);
            }

            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waitingSide = side;
        }

        return WaitAsync(side);
    }

    /// <summary>The hook's answer now, or null to wait for the plugin to resume the stream.</summary>
    private FilterStatus? Decided(int side, int action, bool headers, bool endOfStream)
    {
        if (_localReply is { } reply)
        {
            _localReply = null;
            return FilterContext.SendLocalReply(reply);
        }

        if (_closed)
        {
            FilterContext.HttpContext.Abort();
            return FilterStatus.StopIteration;
        }

        if (action is ProxyWasmAbi.ActionContinue or ProxyWasmAbi.HeadersContinueAndEndStream)
        {
            return FilterStatus.Continue;
        }

        if (side == ProxyWasmAbi.StreamRequest ? _resumedRequest : _resumedResponse)
        {
            return FilterStatus.Continue;
        }

        if (!endOfStream && PendingCalls == 0)
        {
            // Paused with body still to come: Envoy goes on delivering (and, on StopIterationAndBuffer,
            // buffering) body to this filter; the contract hands it the whole body at its end.
            return FilterStatus.StopAndBuffer;
        }

        return null;
    }

    private async ValueTask<FilterStatus> WaitAsync(int side)
    {
        var waiter = _waiter!;
        var aborted = FilterContext.HttpContext.RequestAborted;
        await using (aborted.Register(static w => ((TaskCompletionSource)w!).TrySetResult(), waiter).ConfigureAwait(false))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        lock (_instance.Gate)
        {
            if (ReferenceEquals(_waiter, waiter))
            {
                _waiter = null;
            }

            _waitingSide = -1;
            if (_asyncFailure is not null)
            {
                _asyncFailure = null;
                return Failed();
            }

            if (aborted.IsCancellationRequested)
            {
                return FilterStatus.StopIteration;
            }

            ApplyRouteCache();
            return Decided(side, ProxyWasmAbi.ActionPause, headers: true, endOfStream: true) ?? FilterStatus.Continue;
        }
    }

    // ---- called by host functions (under the gate) ----

    public void RequestLocalReply(int status, string details, byte[] body, List<KeyValuePair<string, string>> headers)
    {
        Action<IHeaderDictionary>? modify = headers.Count == 0 ? null : h =>
        {
            foreach (var (name, value) in headers)
            {
                h.Append(name, value);
            }
        };
        _localReply = new LocalReplyData(status, body, details.Length == 0 ? "wasm_local_reply" : details, null, modify);
        Signal();
    }

    public int Resume(int streamType)
    {
        if (streamType == ProxyWasmAbi.StreamRequest)
        {
            _resumedRequest = true;
        }
        else if (streamType == ProxyWasmAbi.StreamResponse)
        {
            _resumedResponse = true;
        }
        else
        {
            return ProxyWasmAbi.BadArgument;
        }

        if (_waitingSide == streamType)
        {
            Signal();
        }

        return ProxyWasmAbi.Ok;
    }

    public int Close()
    {
        _closed = true;
        Signal();
        return ProxyWasmAbi.Ok;
    }

    /// <summary>An async callback for this stream trapped.</summary>
    public void AsyncFailed(WasmTrapException e)
    {
        _asyncFailure = e;
        Signal();
    }

    public void AfterAsyncCallback()
    {
        if (_localReply is not null || _closed)
        {
            Signal();
        }
    }

    private void Signal() => _waiter?.TrySetResult();

    private void ApplyRouteCache()
    {
        if (RequestHeadersChanged)
        {
            RequestHeadersChanged = false;
            if (!InResponse)
            {
                FilterContext.ClearRouteCache();
            }
        }
    }

    /// <summary>The plugin failed on this request: failure_policy decides.</summary>
    private FilterStatus Failed()
    {
        _localReply = null;
        if (_plugin.Settings.FailurePolicy == WasmFailurePolicy.FailOpen)
        {
            _bypassed = true;
            return FilterStatus.Continue;
        }

        _bypassed = true;
        return FailStream(FilterContext);
    }

    /// <summary>Envoy's answer for a request a failed plugin cannot serve.</summary>
    public static FilterStatus FailStream(HttpFilterContext context) =>
        context.SendLocalReply(new LocalReplyData(StatusCodes.Status503ServiceUnavailable, ReadOnlyMemory<byte>.Empty, "wasm_fail_stream"));
}
