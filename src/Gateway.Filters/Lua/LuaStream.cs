using Gateway.Filters.Callouts;
using Microsoft.Extensions.Logging;

namespace Gateway.Filters.Lua;

/// <summary>One request's Lua coroutines (request, then response direction) and the state they run on.</summary>
internal sealed class LuaStream : HttpStreamFilter
{
    private static readonly byte[] UpstreamFailure = "upstream failure"u8.ToArray();

    private readonly LuaFilter _filter;
    private readonly LuaRequestContext _request;
    private readonly LuaScript? _script;
    private LuaWorker? _worker;
    private LuaRun? _run;
    private bool _waitingForRequestBody;
    private bool _waitingForResponseBody;

    public LuaStream(LuaFilter filter, HttpFilterContext context)
    {
        _filter = filter;
        _request = new LuaRequestContext(context, filter.Logger);
        _script = filter.ScriptFor(context);
    }

    public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        if (_script is not { HasOnRequest: true })
        {
            return Continue;
        }

        _request.RequestEnded = endOfStream;
        return StartAsync("request", "envoy_on_request");
    }

    public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
    {
        if (!_waitingForRequestBody || !endOfStream)
        {
            return Continue;
        }

        _waitingForRequestBody = false;
        _request.RequestBody = data;
        return ResumeAsync();
    }

    public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
    {
        if (_script is not { HasOnResponse: true } || _request.Reply is not null)
        {
            return Continue;
        }

        _request.ResponseEnded = endOfStream;
        return StartAsync("response", "envoy_on_response");
    }

    public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
    {
        if (!_waitingForResponseBody || !endOfStream)
        {
            return Continue;
        }

        _waitingForResponseBody = false;
        _request.ResponseBody = data;
        return ResumeAsync();
    }

    public override void OnStreamComplete(HttpFilterContext context) => Finish();

    private ValueTask<FilterStatus> StartAsync(string direction, string function)
    {
        // A request coroutine still waiting (its body never came: 413, a local reply) is dropped first.
        Finish();
        _waitingForRequestBody = false;
        _worker = _script!.Rent();
        _worker.Current = _request;
        try
        {
            _run = _worker.Start(direction, function);
        }
        finally
        {
            _worker.Current = null;
        }

        return DriveAsync(direction == "request");
    }

    private ValueTask<FilterStatus> ResumeAsync()
    {
        if (_run is null || _worker is null)
        {
            return Continue;
        }

        var request = _request.ResponseBody is null;
        _worker.Current = _request;
        try
        {
            _run.Resume(0);
        }
        finally
        {
            _worker.Current = null;
        }

        return DriveAsync(request);
    }

    private async ValueTask<FilterStatus> DriveAsync(bool request)
    {
        var context = _request.Context;
        while (true)
        {
            var run = _run!;
            switch (run.State)
            {
                case LuaRunState.Finished:
                    Finish();
                    if (request && _request.RequestHeadersChanged && _filter.Settings.ClearRouteCache)
                    {
                        context.ClearRouteCache();
                    }

                    return FilterStatus.Continue;

                case LuaRunState.Failed:
                    _filter.CountError();
                    LuaLog.Script(_filter.Logger, LogLevel.Error, run.Error ?? "script error");
                    Finish();
                    return FilterStatus.Continue;

                case LuaRunState.Responded:
                    Finish();
                    return context.SendLocalReply(_request.Reply!);

                case LuaRunState.NeedsBody:
                    if (request)
                    {
                        _waitingForRequestBody = true;
                    }
                    else
                    {
                        _waitingForResponseBody = true;
                    }

                    return FilterStatus.StopAndBuffer;

                case LuaRunState.NeedsHttpCall:
                    var call = _request.PendingCall!;
                    _request.PendingCall = null;
                    var (headers, body) = await CallAsync(context, call).ConfigureAwait(false);
                    if (context.HttpContext.RequestAborted.IsCancellationRequested)
                    {
                        Finish();
                        return FilterStatus.StopIteration;
                    }

                    _worker!.Current = _request;
                    try
                    {
                        run.ResumeWithResponse(headers, body);
                    }
                    finally
                    {
                        _worker.Current = null;
                    }

                    break;
            }
        }
    }

    /// <summary>httpCall(): through the cluster's lease and pool; a failed call is a fake 503 "upstream failure", as in Envoy.</summary>
    private static async Task<(List<KeyValuePair<string, string>> Headers, byte[]? Body)> CallAsync(HttpFilterContext context, LuaHttpCall call)
    {
        if (!context.Clusters.TryGet(call.Cluster, out var entry))
        {
            return ([new(":status", "503")], UpstreamFailure);
        }

        var method = call.Headers.First(h => h.Key == ":method").Value;
        var path = call.Headers.First(h => h.Key == ":path").Value;
        var authority = call.Headers.First(h => h.Key == ":authority").Value;
        var response = await HttpCallout.SendAsync(entry, endpoint =>
        {
            var message = new HttpRequestMessage(new HttpMethod(method), new Uri(endpoint.DestinationPrefix + (path.StartsWith('/') ? path : "/" + path), UriKind.Absolute));
            message.Headers.TryAddWithoutValidation("Host", authority);
            var content = call.Body is null ? null : new ByteArrayContent(call.Body);
            foreach (var (name, value) in call.Headers)
            {
                if (name.StartsWith(':') || name is "host" or "content-length" or "transfer-encoding")
                {
                    continue;
                }

                if (!message.Headers.TryAddWithoutValidation(name, value))
                {
                    content ??= new ByteArrayContent([]);
                    content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            message.Content = content;
            return message;
        }, call.Timeout, call.Asynchronous ? CancellationToken.None : context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (!response.IsResponse)
        {
            return ([new(":status", "503")], UpstreamFailure);
        }

        var headers = new List<KeyValuePair<string, string>> { new(":status", response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        foreach (var (name, values) in response.AllHeaders)
        {
            foreach (var value in values)
            {
                headers.Add(new(name.ToLowerInvariant(), value));
            }
        }

        return (headers, response.Body);
    }

    /// <summary>Drops a coroutine still held (respond(), the request ended while waiting) and gives the state back.</summary>
    private void Finish()
    {
        _run?.Release();
        _run = null;
        if (_worker is { } worker)
        {
            _worker = null;
            _script!.Return(worker);
        }
    }
}
