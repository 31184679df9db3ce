namespace Gateway.Tests.Tracing;

/// <summary>A span as a test receiver got it (OTLP or Zipkin), ids in lower-case hex.</summary>
public sealed record CollectedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    string Kind,
    IReadOnlyDictionary<string, string> Tags,
    string ServiceName,
    string Receiver);
