using Gateway.Clusters.Runtime;
using System.IO.Compression;
using Gateway.Clusters.Stats;
using Gateway.Filters.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Filters.Decompressor;

/// <summary>
/// Envoy's decompressor filter. A body whose first content-coding is this library's (and that has no
/// <c>cache-control: no-transform</c>) is inflated: that coding leaves content-encoding, content-length
/// is removed. While response decompression is on, requests with a body advertise the coding in
/// accept-encoding. Stats under <c>http.&lt;hcm&gt;.decompressor.&lt;library name&gt;.&lt;library&gt;.{request,response}.</c>.
/// </summary>
public sealed class DecompressorFilter : IHttpFilter, IReportsStats
{
    private readonly DecompressorSettings _settings;
    private readonly DecompressorStats _requestStats = new();
    private readonly DecompressorStats _responseStats = new();
    private readonly string _statScope;
    private readonly HttpStatPrefix _statPrefix;

    private readonly IRuntime? _runtime;

    public DecompressorFilter(DecompressorSettings settings, string statPrefix, IRuntime? runtime = null)
    {
        _runtime = runtime;
        _statPrefix = new HttpStatPrefix(statPrefix);
        _settings = settings;
        Name = settings.FilterName;
        _statScope = $"decompressor.{settings.Library.Name}.{settings.Library.StatsName}.";
    }

    public string Name { get; }

    public HttpFilterPhases Phases =>
        (_settings.Request.MayBeEnabled ? HttpFilterPhases.RequestHeaders | HttpFilterPhases.RequestData : HttpFilterPhases.RequestHeaders) |
        (_settings.Response.MayBeEnabled ? HttpFilterPhases.ResponseHeaders | HttpFilterPhases.ResponseData : HttpFilterPhases.None);

    public HttpStreamFilter CreateStreamFilter(HttpFilterContext context) => new Stream(this);

    public void ReportStats(IStatsWriter writer)
    {
        var stats = new HttpFilterStatsWriter(writer, _statPrefix, _statScope);
        _requestStats.Report(stats, "request.");
        _responseStats.Report(stats, "response.");
    }

    /// <summary>Envoy's maybeInitDecompress; returns the body's decompressor, or null.</summary>
    private BodyDecompressor? MaybeInit(DecompressorDirectionConfig direction, DecompressorStats stats, IHeaderDictionary headers)
    {
        if (_runtime.IsEnabled(direction.Enabled) && (direction.IgnoreNoTransformHeader || !HasNoTransform(headers.CacheControl)) && FirstCodingMatches(headers))
        {
            Interlocked.Increment(ref stats.Decompressed);
            RemoveFirstCoding(headers);
            headers.ContentLength = null;
            return new BodyDecompressor(_settings.Library.Algorithm);
        }

        Interlocked.Increment(ref stats.NotDecompressed);
        return null;
    }

    private static bool HasNoTransform(StringValues cacheControl)
    {
        foreach (var value in cacheControl)
        {
            foreach (var part in (value ?? "").Split(','))
            {
                if (part.Trim().Equals("no-transform", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>As Envoy: only the first coding listed in content-encoding is compared with this library's.</summary>
    private bool FirstCodingMatches(IHeaderDictionary headers)
    {
        var value = headers.ContentEncoding.ToString();
        if (value.Length == 0)
        {
            return false;
        }

        var comma = value.IndexOf(',');
        var first = (comma < 0 ? value : value[..comma]).Trim();
        return first.Equals(_settings.Library.ContentEncoding, StringComparison.OrdinalIgnoreCase);
    }

    private static void RemoveFirstCoding(IHeaderDictionary headers)
    {
        var value = headers.ContentEncoding.ToString();
        var comma = value.IndexOf(',');
        if (comma < 0)
        {
            headers.Remove("content-encoding");
        }
        else
        {
            headers.ContentEncoding = value[(comma + 1)..].Trim();
        }
    }

    private static void Decompress(BodyDecompressor? decompressor, DecompressorStats stats, BodyBuffer data)
    {
        if (decompressor is null || data.IsEmpty)
        {
            return;
        }

        try
        {
            var compressed = decompressor.Decompress(data);
            Interlocked.Add(ref stats.TotalCompressedBytes, compressed);
            Interlocked.Add(ref stats.TotalUncompressedBytes, data.Length);
        }
        catch (InvalidDataException)
        {
            // Envoy's decompressor stops producing output on a corrupt stream; the rest is dropped.
            Interlocked.Increment(ref stats.DecompressionError);
            data.Clear();
        }
    }

    private sealed class Stream : HttpStreamFilter
    {
        private readonly DecompressorFilter _filter;
        private BodyDecompressor? _request;
        private BodyDecompressor? _response;

        public Stream(DecompressorFilter filter)
        {
            _filter = filter;
        }

        public override ValueTask<FilterStatus> OnRequestHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (endOfStream)
            {
                return Continue;
            }

            var settings = _filter._settings;
            var headers = context.HttpContext.Request.Headers;
            if (settings.AdvertiseAcceptEncoding && _filter._runtime.IsEnabled(settings.Response.Enabled))
            {
                var accept = headers["accept-encoding"].ToString();
                headers["accept-encoding"] = accept.Length == 0 ? settings.Library.ContentEncoding : accept + "," + settings.Library.ContentEncoding;
            }

            _request = _filter.MaybeInit(settings.Request, _filter._requestStats, headers);
            if (_request is not null)
            {
                headers.Remove("transfer-encoding");
            }

            return Continue;
        }

        public override ValueTask<FilterStatus> OnRequestDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            Decompress(_request, _filter._requestStats, data);
            return Continue;
        }

        public override ValueTask<FilterStatus> OnResponseHeadersAsync(HttpFilterContext context, bool endOfStream)
        {
            if (!endOfStream)
            {
                _response = _filter.MaybeInit(_filter._settings.Response, _filter._responseStats, context.HttpContext.Response.Headers);
            }

            return Continue;
        }

        public override ValueTask<FilterStatus> OnResponseDataAsync(HttpFilterContext context, BodyBuffer data, bool endOfStream)
        {
            Decompress(_response, _filter._responseStats, data);
            return Continue;
        }

        public override void OnStreamComplete(HttpFilterContext context)
        {
            _request?.Dispose();
            _response?.Dispose();
        }
    }
}
