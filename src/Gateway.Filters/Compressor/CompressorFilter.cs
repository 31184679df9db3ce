using Gateway.Clusters.Runtime;
using Gateway.Clusters.Stats;
using Gateway.Filters.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Compressor;

/// <summary>
/// Envoy's compressor filter. Response: compressed when the route enables it, the response has a body
/// of at least min_content_length, an allowed content type, no content-encoding, no
/// <c>cache-control: no-transform</c>, no etag when disable_on_etag_header, and the client's
/// accept-encoding picks this filter's coding among the chain's compressors; then content-length is
/// removed, a strong etag dropped (weak ones kept), content-encoding set. <c>vary: accept-encoding</c>
/// is added whenever the response could be compressed. Request: compressed only with
/// request_direction_config. Stats under <c>http.&lt;hcm&gt;.compressor.&lt;library name&gt;.&lt;library&gt;.</c>.
/// </summary>
public sealed class CompressorFilter : IHttpFilter, IReportsStats
{
    private static readonly string[] KnownTransferCodings = ["gzip", "br", "deflate", "compress", "zstd"];

    private readonly CompressorDirectionStats _requestStats = new();
    private readonly CompressorDirectionStats _responseStats = new();
    private readonly CompressorResponseStats _headerStats = new();
    private readonly string _statScope;
    private readonly HttpStatPrefix _statPrefix;

    private readonly IRuntime? _runtime;

    public CompressorFilter(CompressorSettings settings, string statPrefix, IRuntime? runtime = null)
    {
        _runtime = runtime;
        _statPrefix = new HttpStatPrefix(statPrefix);
        Settings = settings;
        Name = settings.FilterName;
        _statScope = $"compressor.{settings.Library.Name}.{settings.Library.StatsName}.";
    }

    public CompressorSettings Settings { get; }

    public string Name { get; }

    // Request bodies are intercepted only when request compression is configured.
    public HttpFilterPhases Phases => HttpFilterPhases.RequestHeaders | HttpFilterPhases.ResponseHeaders | HttpFilterPhases.ResponseData |
        (Settings.Request is null ? HttpFilterPhases.None : HttpFilterPhases.RequestData);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context)
    {
        // Every compressor of the chain registers itself so the first to see the response decides for all (Envoy's CompressorRegistry).
        if (!context.FilterState.TryGetValue(EncodingDecision.RegistryKey, out var registry))
        {
            registry = new List<CompressorFilter>(2);
            context.FilterState[EncodingDecision.RegistryKey] = registry;
        }

        ((List<CompressorFilter>)registry).Add(this);
        return new Stream(this);
    }

    public void ReportStats(IStatsWriter writer)
    {
        var stats = new HttpFilterStatsWriter(writer, _statPrefix, _statScope);
        _requestStats.Report(stats, "request.");
        _responseStats.Report(stats, Settings.ResponseStatsUnderResponse ? "response." : "");
        _headerStats.Report(stats);
    }

    private bool ResponseCompressionEnabled(CompressorPerRouteSettings? perRoute) =>
        perRoute?.ResponseCompressionEnabled ?? _runtime.IsEnabled(Settings.Response.Enabled);

    private bool RemoveAcceptEncoding(CompressorPerRouteSettings? perRoute) =>
        perRoute?.RemoveAcceptEncodingHeader ?? Settings.RemoveAcceptEncodingHeader;

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(','))
            {
                if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Envoy's isMinimumContentLength: only a present content-length can be too small.</summary>
    private static bool IsMinimumLength(CompressorDirectionConfig config, CompressorDirectionStats stats, IHeaderDictionary headers)
    {
        var value = headers.ContentLength;
        if (value is null && headers.ContainsKey("content-length"))
        {
            value = -1;
        }

        if (value is null)
        {
            return true;
        }

        if (value < config.MinContentLength)
        {
            Interlocked.Increment(ref stats.ContentLengthTooSmall);
            return false;
        }

        return true;
    }

    private static bool IsContentTypeAllowed(CompressorDirectionConfig config, IHeaderDictionary headers)
    {
        var contentType = headers.ContentType.ToString();
        return contentType.Length == 0 || config.ContentTypes.Contains(EncodingDecision.MediaType(contentType));
    }

    private bool IsTransferEncodingAllowed(IHeaderDictionary headers)
    {
        foreach (var coding in KnownTransferCodings)
        {
            if (HasToken(headers.TransferEncoding, coding))
            {
                return false;
            }
        }

        return !HasToken(headers.TransferEncoding, Settings.Library.ContentEncoding);
    }

    private static bool IsUpgrade(IHeaderDictionary headers) =>
        headers.ContainsKey("upgrade") && HasToken(headers.Connection, "upgrade");

    private bool OnRequestHeaders(HttpFilterContext context, Stream stream, bool endOfStream)
    {
        var headers = context.HttpContext.Request.Headers;
        if (headers.TryGetValue("accept-encoding", out var accept))
        {
            stream.AcceptEncoding = accept.ToString();
        }

        stream.PerRoute = context.HasPerFilterConfigs ? context.PerRouteSettings<CompressorPerRouteSettings>(Name) : null;
        if (ResponseCompressionEnabled(stream.PerRoute) && RemoveAcceptEncoding(stream.PerRoute))
        {
            headers.Remove("accept-encoding");
        }

        if (Settings.Request is not { } request)
        {
            return false;
        }

        if (!endOfStream && _runtime.IsEnabled(request.Enabled) && !IsUpgrade(headers) && IsMinimumLength(request, _requestStats, headers) &&
            IsContentTypeAllowed(request, headers) && !headers.ContainsKey("content-encoding") && IsTransferEncodingAllowed(headers))
        {
            headers.ContentLength = null;
            headers.Remove("transfer-encoding");
            headers["content-encoding"] = Settings.Library.ContentEncoding;
            Interlocked.Increment(ref _requestStats.Compressed);
            stream.RequestCompressor = new BodyCompressor(Settings.Library);
            return true;
        }

        Interlocked.Increment(ref _requestStats.NotCompressed);
        return false;
    }

    private void OnResponseHeaders(HttpFilterContext context, Stream stream, bool endOfStream)
    {
        var response = context.HttpContext.Response;
        var headers = response.Headers;
        var config = Settings.Response;
        var enabledAndLongEnough = ResponseCompressionEnabled(stream.PerRoute) && IsMinimumLength(config, _responseStats, headers);
        var compressible = enabledAndLongEnough && response.StatusCode != StatusCodes.Status101SwitchingProtocols && !IsUpgrade(headers) &&
            IsContentTypeAllowed(config, headers) && !HasToken(headers.CacheControl, "no-transform") && IsEtagAllowed(headers) &&
            !headers.ContainsKey("content-encoding");
        if (!endOfStream && IsAcceptEncodingAllowed(context, stream, enabledAndLongEnough, headers) && compressible && IsTransferEncodingAllowed(headers))
        {
            SanitizeEtag(headers);
            headers.ContentLength = null;
            headers["content-encoding"] = Settings.Library.ContentEncoding;
            Interlocked.Increment(ref _responseStats.Compressed);
            stream.ResponseCompressor = new BodyCompressor(Settings.Library);
        }
        else
        {
            Interlocked.Increment(ref _responseStats.NotCompressed);
        }

        // A cache in front must know the resource has compressed variants even when this one is not.
        if (compressible)
        {
            InsertVary(headers);
        }
    }

    private bool IsEtagAllowed(IHeaderDictionary headers)
    {
        if (Settings.DisableOnEtagHeader && headers.ContainsKey("etag"))
        {
            Interlocked.Increment(ref _headerStats.NotCompressedEtag);
            return false;
        }

        return true;
    }

    private bool IsAcceptEncodingAllowed(HttpFilterContext context, Stream stream, bool maybeCompress, IHeaderDictionary responseHeaders)
    {
        if (!maybeCompress)
        {
            return false;
        }

        if (stream.AcceptEncoding is null)
        {
            Interlocked.Increment(ref _headerStats.NoAcceptHeader);
            return false;
        }

        var state = context.FilterState;
        if (!state.TryGetValue(EncodingDecision.FilterStateKey, out var cached))
        {
            var registry = state.TryGetValue(EncodingDecision.RegistryKey, out var list) ? (List<CompressorFilter>)list : [this];
            cached = EncodingDecision.Choose(stream.AcceptEncoding, responseHeaders.ContentType, registry);
            state[EncodingDecision.FilterStateKey] = cached;
        }

        var decision = (EncodingDecision)cached;
        var mine = string.Equals(decision.Encoding, Settings.Library.ContentEncoding, StringComparison.OrdinalIgnoreCase);
        switch (decision.Stat)
        {
            case EncodingDecision.HeaderStat.ValidCompressor:
                Interlocked.Increment(ref mine ? ref _headerStats.HeaderCompressorUsed : ref _headerStats.HeaderCompressorOvershadowed);
                break;
            case EncodingDecision.HeaderStat.Identity:
                Interlocked.Increment(ref _headerStats.HeaderIdentity);
                break;
            case EncodingDecision.HeaderStat.Wildcard:
                Interlocked.Increment(ref _headerStats.HeaderWildcard);
                break;
            default:
                Interlocked.Increment(ref _headerStats.HeaderNotValid);
                break;
        }

        return mine;
    }

    /// <summary>Envoy keeps weak etags (they still describe the content) and drops strong ones, which a compressed body no longer matches byte for byte.</summary>
    private static void SanitizeEtag(IHeaderDictionary headers)
    {
        var etag = headers.ETag.ToString();
        if (etag.Length > 2 && !((etag[0] == 'w' || etag[0] == 'W') && etag[1] == '/'))
        {
            headers.Remove("etag");
        }
    }

    private static void InsertVary(IHeaderDictionary headers)
    {
        var vary = headers.Vary;
        if (vary.Count == 0)
        {
            headers.Vary = "accept-encoding";
        }
        else if (!HasToken(vary, "accept-encoding"))
        {
            headers.Vary = vary.ToString() + ", accept-encoding";
        }
    }

    private static void Compress(BodyCompressor compressor, CompressorDirectionStats stats, BodyBuffer data, bool endOfStream)
    {
        Interlocked.Add(ref stats.TotalUncompressedBytes, data.Length);
        compressor.Compress(data, endOfStream);
        Interlocked.Add(ref stats.TotalCompressedBytes, data.Length);
    }

    /// <summary>One request: its accept-encoding, per-route settings and compressors.</summary>
    private sealed class Stream : HttpStreamFilter
    {
        private readonly CompressorFilter _filter;

        public Stream(CompressorFilter filter)
        {
            _filter = filter;
        }

        public string? AcceptEncoding { get; set; }

        public CompressorPerRouteSettings? PerRoute { get; set; }

        public BodyCompressor? RequestCompressor { get; set; }

        public BodyCompressor? ResponseCompressor { get; set; }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _filter.OnRequestHeaders(context, this, endOfStream);
            return Continue;
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (RequestCompressor is { } compressor)
            {
                Compress(compressor, _filter._requestStats, data, endOfStream);
            }

            return Continue;
        }

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            _filter.OnResponseHeaders(context, this, endOfStream);
            return Continue;
        }

        public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            if (ResponseCompressor is { } compressor)
            {
                Compress(compressor, _filter._responseStats, data, endOfStream);
            }

            return Continue;
        }

        public override void OnStreamComplete(HttpFilterContext context)
        {
            RequestCompressor?.Dispose();
            ResponseCompressor?.Dispose();
        }
    }
}
