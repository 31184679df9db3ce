using System.Text.Json;
using Google.Protobuf;
using Gateway.Tests.Tracing.Otlp;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Tracing;

/// <summary>
/// A local trace collector for the tracing tests: OTLP/gRPC (TraceService/Export) on an h2c port, and
/// OTLP/HTTP protobuf (POST /v1/traces) plus Zipkin JSON v2 (POST /api/v2/spans) on an HTTP/1.1 port.
/// Every span received is kept; <see cref="WaitForAsync"/> awaits a condition over them.
/// </summary>
public sealed class TraceCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<CollectedSpan> _spans = [];
    private readonly SemaphoreSlim _added = new(0);

    private TraceCollector(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Cleartext HTTP/2 port serving OTLP/gRPC.</summary>
    public int GrpcPort { get; private set; }

    /// <summary>HTTP/1.1 port serving OTLP/HTTP and Zipkin.</summary>
    public int HttpPort { get; private set; }

    /// <summary>Host headers (authorities) the exports arrived with.</summary>
    public List<string> Authorities { get; } = [];

    public static async Task<TraceCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        TraceCollector? collector = null;
        builder.Services.AddSingleton(_ => new OtlpTraceService(collector!));
        var app = builder.Build();
        collector = new TraceCollector(app);
        app.MapGrpcService<OtlpTraceService>();
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            collector.AddOtlp(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()), "otlp-http", context.Request.Host.Value);
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(new ExportTraceServiceResponse().ToByteArray());
        });
        app.MapPost("/api/v2/spans", async context =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            collector.AddZipkin(document.RootElement, context.Request.Host.Value);
            context.Response.StatusCode = 202;
        });
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToArray();
        // Addresses come in Listen order: the h2c port first.
        collector.GrpcPort = ports[0];
        collector.HttpPort = ports[1];
        return collector;
    }

    public IReadOnlyList<CollectedSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return _spans.ToArray();
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the spans received (fails after <paramref name="timeout"/>, default 20 s).</summary>
    public async Task<IReadOnlyList<CollectedSpan>> WaitForAsync(Func<IReadOnlyList<CollectedSpan>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var spans = Spans;
            if (condition(spans))
            {
                return spans;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _added.WaitAsync(left))
            {
                throw new TimeoutException($"the collector did not get the expected spans; it has {spans.Count}:\n" +
                    string.Join("\n", spans.Select(s => $"{s.Receiver} {s.Name} {s.Kind} trace={s.TraceId} id={s.SpanId} parent={s.ParentSpanId}")));
            }
        }
    }

    internal void AddOtlp(ExportTraceServiceRequest request, string receiver, string? authority)
    {
        var added = new List<CollectedSpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var service = resourceSpans.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
            foreach (var scope in resourceSpans.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    var tags = span.Attributes.ToDictionary(a => a.Key, a => a.Value?.StringValue ?? a.Value?.ToString() ?? "");
                    added.Add(new CollectedSpan(Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name,
                        span.Kind.ToString(), tags, service, receiver));
                }
            }
        }

        Add(added, authority);
    }

    private void AddZipkin(JsonElement spans, string? authority)
    {
        var added = new List<CollectedSpan>();
        foreach (var span in spans.EnumerateArray())
        {
            var tags = new Dictionary<string, string>();
            if (span.TryGetProperty("tags", out var t))
            {
                foreach (var tag in t.EnumerateObject())
                {
                    tags[tag.Name] = tag.Value.GetString() ?? "";
                }
            }

            var service = span.TryGetProperty("localEndpoint", out var local) && local.TryGetProperty("serviceName", out var name) ? name.GetString() ?? "" : "";
            added.Add(new CollectedSpan(
                span.GetProperty("traceId").GetString()!,
                span.GetProperty("id").GetString()!,
                span.TryGetProperty("parentId", out var parent) ? parent.GetString()! : "",
                span.GetProperty("name").GetString()!,
                span.TryGetProperty("kind", out var kind) ? kind.GetString()! : "",
                tags, service, "zipkin"));
        }

        Add(added, authority);
    }

    private void Add(List<CollectedSpan> spans, string? authority)
    {
        lock (_spans)
        {
            _spans.AddRange(spans);
            Authorities.Add(authority ?? "");
        }

        _added.Release();
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The OTLP/gRPC TraceService.</summary>
    private sealed class OtlpTraceService(TraceCollector collector) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            collector.AddOtlp(request, "otlp-grpc", context.GetHttpContext().Request.Host.Value);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}
