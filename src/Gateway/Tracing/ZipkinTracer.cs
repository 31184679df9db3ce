using System.Buffers;
using System.Text.Json;
using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tracing;

/// <summary>
/// envoy.tracers.zipkin: B3 headers in and out, spans posted as Zipkin JSON v2 to collector_endpoint
/// on collector_cluster. Spans are buffered and sent when 5 are waiting or every 5 s (Envoy's
/// tracing.zipkin.min_flush_spans and flush_interval_ms defaults).
/// </summary>
internal sealed class ZipkinTracer : ITracer
{
    private const int MinFlushSpans = 5;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private readonly TracingProviderConfig _config;
    private readonly string _serviceName;
    private readonly HttpClient _client;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private List<ZipkinSpan> _pending = [];
    private Task _sending = Task.CompletedTask;
    private bool _disposed;

    public ZipkinTracer(TracingProviderConfig config, ClusterEntry cluster, string serviceName)
    {
        _config = config;
        _serviceName = serviceName;
        var authority = config.Authority ?? cluster.Name;
        _client = new HttpClient(new ClusterHttpHandler(cluster, authority, [], grpc: false), disposeHandler: true)
        {
            BaseAddress = new Uri("http://" + authority),
        };
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    public TraceSpan StartServerSpan(IHeaderDictionary headers, string name, bool traced, DateTimeOffset start)
    {
        if (TraceHeaders.TryReadB3(headers, out var incoming, out _))
        {
            var sampled = incoming.Sampled ?? traced;
            // shared_span_context: the server span is the client's span (same id); else a child of it.
            var context = _config.SharedSpanContext
                ? incoming with { Sampled = sampled }
                : incoming with { ParentSpanId = incoming.SpanId, SpanId = TraceContext.NewId(), Sampled = sampled };
            return new ZipkinSpan(this, context, sampled, name, "SERVER", _config.SharedSpanContext, start);
        }

        TraceHeaders.TryReadB3(headers, out _, out var samplingOnly);
        var decision = samplingOnly ?? traced;
        var high = _config.TraceId128Bit ? TraceContext.NewId() : 0;
        return new ZipkinSpan(this, new TraceContext(high, TraceContext.NewId(), TraceContext.NewId(), 0, decision), decision, name, "SERVER", false, start);
    }

    public TraceSpan StartChildSpan(TraceSpan parent, string name, DateTimeOffset start)
    {
        var p = parent.Context;
        return new ZipkinSpan(this, p with { ParentSpanId = p.SpanId, SpanId = TraceContext.NewId() }, parent.Sampled, name, "CLIENT", false, start);
    }

    public void Inject(TraceSpan span, IHeaderDictionary headers) =>
        TraceHeaders.WriteB3(headers, span.Context, span.Sampled, allow64: true);

    internal void Report(ZipkinSpan span)
    {
        bool flush;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _pending.Add(span);
            flush = _pending.Count >= MinFlushSpans;
        }

        if (flush)
        {
            Flush();
        }
    }

    private void Flush()
    {
        List<ZipkinSpan> batch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
            // One post at a time, in order.
            _sending = _sending.ContinueWith(_ => SendAsync(batch), TaskScheduler.Default).Unwrap();
        }
    }

    private async Task SendAsync(List<ZipkinSpan> batch)
    {
        try
        {
            using var content = new ByteArrayContent(Serialize(batch));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await _client.PostAsync(_config.Path, content, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Envoy counts tracing.zipkin.reports_failed and drops the batch; so does this.
        }
    }

    internal byte[] Serialize(IReadOnlyList<ZipkinSpan> spans)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var span in spans)
            {
                var c = span.Context;
                json.WriteStartObject();
                json.WriteString("traceId", c.TraceIdHex(allow64: true));
                json.WriteString("id", c.SpanId.ToString("x16"));
                if (c.ParentSpanId != 0)
                {
                    json.WriteString("parentId", c.ParentSpanId.ToString("x16"));
                }

                json.WriteString("name", span.Name);
                json.WriteString("kind", span.Kind);
                json.WriteNumber("timestamp", (span.Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
                json.WriteNumber("duration", Math.Max(1, span.Duration.Ticks / 10));
                if (span.Shared)
                {
                    json.WriteBoolean("shared", true);
                }

                json.WriteStartObject("localEndpoint");
                json.WriteString("serviceName", _serviceName);
                json.WriteEndObject();
                json.WriteStartObject("tags");
                foreach (var (name, value) in span.Tags)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        lock (_lock)
        {
            _disposed = true;
        }

        _sending.Wait(TimeSpan.FromSeconds(5));
        _client.Dispose();
    }
}
