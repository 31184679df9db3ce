using System.Diagnostics;
using Gateway.Clusters.Model;
using Gateway.Clusters.Table;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Tracing;

/// <summary>
/// envoy.tracers.opentelemetry: W3C traceparent in and out, spans exported over OTLP (gRPC or HTTP
/// protobuf) by the OpenTelemetry .NET SDK to the configured cluster. Each HCM gets its own activity
/// source and tracer provider, so two listeners can export to different collectors.
/// </summary>
internal sealed class OpenTelemetryTracer : ITracer
{
    // Envoy's defaults: flush when 5 spans are buffered (tracing.opentelemetry.min_flush_spans) or every 5 s.
    private const int MinFlushSpans = 5;
    private const int FlushIntervalMs = 5000;

    private static int _sources;

    private readonly ActivitySource _source;
    private readonly TracerProvider _provider;

    public OpenTelemetryTracer(TracingProviderConfig config, ClusterEntry cluster)
    {
        var name = "Gateway.Tracing.OpenTelemetry." + Interlocked.Increment(ref _sources);
        _source = new ActivitySource(name);
        var grpc = config.Kind == TracingProviderKind.OpenTelemetryGrpc;
        var authority = config.Authority ?? cluster.Name;
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(name)
            .SetSampler(new AlwaysOnSampler())
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(config.ServiceName, autoGenerateServiceInstanceId: false))
            .AddOtlpExporter(options =>
            {
                options.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                // The authority names the collector; the handler sends to an endpoint of the cluster.
                options.Endpoint = new Uri("http://" + authority + (grpc ? "" : config.Path));
                options.TimeoutMilliseconds = config.Timeout is { } timeout && timeout > TimeSpan.Zero ? (int)timeout.TotalMilliseconds : 10_000;
                options.HttpClientFactory = () => new HttpClient(new ClusterHttpHandler(cluster, authority, config.Headers, grpc), disposeHandler: true);
                options.ExportProcessorType = ExportProcessorType.Batch;
                options.BatchExportProcessorOptions = new BatchExportActivityProcessorOptions
                {
                    MaxExportBatchSize = MinFlushSpans,
                    ScheduledDelayMilliseconds = FlushIntervalMs,
                };
            })
            .Build();
    }

    public TraceSpan StartServerSpan(IHeaderDictionary headers, string name, bool traced, DateTimeOffset start)
    {
        TraceContext context;
        bool sampled;
        ActivityContext parent = default;
        if (TraceHeaders.TryReadTraceParent(headers, out var incoming))
        {
            // The caller's sampled flag decides, as Envoy's OpenTelemetry tracer does.
            sampled = incoming.Sampled ?? traced;
            parent = new ActivityContext(ToTraceId(incoming), ToSpanId(incoming.SpanId), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
            context = incoming with { ParentSpanId = incoming.SpanId, SpanId = TraceContext.NewId() };
        }
        else
        {
            sampled = traced;
            context = new TraceContext(TraceContext.NewId(), TraceContext.NewId(), TraceContext.NewId(), 0, sampled);
        }

        return Start(name, ActivityKind.Server, parent, context, sampled, start);
    }

    public TraceSpan StartChildSpan(TraceSpan parent, string name, DateTimeOffset start)
    {
        var p = parent.Context;
        var parentContext = new ActivityContext(ToTraceId(p), ToSpanId(p.SpanId), parent.Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);
        return Start(name, ActivityKind.Client, parentContext, p with { ParentSpanId = p.SpanId, SpanId = TraceContext.NewId() }, parent.Sampled, start);
    }

    private OpenTelemetrySpan Start(string name, ActivityKind kind, ActivityContext parent, TraceContext context, bool sampled, DateTimeOffset start)
    {
        if (!sampled)
        {
            return new OpenTelemetrySpan(null, context, false);
        }

        // Started with no ambient activity and restored at once: the proxy's HttpClient must not see it
        // (it would add its own traceparent), and a new trace must not inherit an unrelated parent.
        var previous = Activity.Current;
        Activity.Current = null;
        var activity = parent == default
            ? _source.StartActivity(name, kind, parentContext: default, startTime: start)
            : _source.StartActivity(name, kind, parent, startTime: start);
        Activity.Current = previous;
        if (activity is null)
        {
            return new OpenTelemetrySpan(null, context, sampled);
        }

        var ids = activity.TraceId.ToHexString();
        var actual = new TraceContext(
            Convert.ToUInt64(ids[..16], 16),
            Convert.ToUInt64(ids[16..], 16),
            Convert.ToUInt64(activity.SpanId.ToHexString(), 16),
            context.ParentSpanId,
            sampled);
        return new OpenTelemetrySpan(activity, actual, sampled);
    }

    public void Inject(TraceSpan span, IHeaderDictionary headers) =>
        headers[TraceHeaders.TraceParent] = TraceHeaders.FormatTraceParent(span.Context, span.Sampled);

    private static ActivityTraceId ToTraceId(in TraceContext context) =>
        ActivityTraceId.CreateFromString(context.TraceIdHex(allow64: false));

    private static ActivitySpanId ToSpanId(ulong id) => ActivitySpanId.CreateFromString(id.ToString("x16"));

    public void Dispose()
    {
        // Flushes what is buffered, then stops the exporter.
        _provider.Dispose();
        _source.Dispose();
    }
}
