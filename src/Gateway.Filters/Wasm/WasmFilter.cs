using Gateway.Clusters.Stats;

namespace Gateway.Filters.Wasm;

/// <summary>
/// An envoy.filters.http.wasm entry that runs its plugin's code. Only the hooks the module exports are
/// called (a plugin without body callbacks costs no body interception). Each request gets a stream
/// context in one pooled instance; while the plugin is failed, requests follow its failure policy.
/// </summary>
internal sealed class WasmFilter : IHttpFilter, IReportsStats, IDisposable
{
    private static readonly HttpStreamFilter PassThrough = new PassThroughStream();
    private static readonly HttpStreamFilter FailClosed = new FailClosedStream();

    private readonly WasmPlugin _plugin;

    public WasmFilter(WasmPlugin plugin)
    {
        _plugin = plugin;
        var exports = plugin.Code.Module.Exports.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var phases = HttpFilterPhases.None;
        // Stream contexts are created at request headers, so that hook always runs.
        phases |= HttpFilterPhases.RequestHeaders;
        phases |= exports.Contains("proxy_on_request_body") ? HttpFilterPhases.RequestData : 0;
        phases |= exports.Contains("proxy_on_request_trailers") ? HttpFilterPhases.RequestTrailers : 0;
        phases |= exports.Contains("proxy_on_response_headers") ? HttpFilterPhases.ResponseHeaders : 0;
        phases |= exports.Contains("proxy_on_response_body") ? HttpFilterPhases.ResponseData : 0;
        phases |= exports.Contains("proxy_on_response_trailers") ? HttpFilterPhases.ResponseTrailers : 0;
        Phases = phases;
    }

    public string Name => _plugin.Settings.FilterName;

    public HttpFilterPhases Phases { get; }

    internal WasmPlugin Plugin => _plugin;

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context)
    {
        _plugin.NoteTable(context.Clusters);
        var instance = _plugin.Pick();
        if (instance is null)
        {
            return _plugin.Settings.FailurePolicy == WasmFailurePolicy.FailOpen ? PassThrough : FailClosed;
        }

        return new WasmStreamFilter(_plugin, instance, context);
    }

    public void ReportStats(IStatsWriter writer) => _plugin.Metrics.ReportStats(writer);

    public void Dispose() => _plugin.Dispose();

    private sealed class PassThroughStream : HttpStreamFilter;

    private sealed class FailClosedStream : HttpStreamFilter
    {
        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream) =>
            ValueTask.FromResult(WasmStreamFilter.FailStream(context));
    }
}
