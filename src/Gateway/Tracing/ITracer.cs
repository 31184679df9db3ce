using Microsoft.AspNetCore.Http;

namespace Gateway.Tracing;

/// <summary>
/// A tracer of one HCM's tracing provider (Envoy's Tracing::Driver): starts spans from the request's
/// propagation headers and writes the span context into the upstream request's headers.
/// </summary>
internal interface ITracer : IDisposable
{
    /// <summary>Starts the request's server span, continuing the trace the client's headers carry.</summary>
    /// <param name="traced">The connection manager's sampling decision, used when the client sent none.</param>
    TraceSpan StartServerSpan(IHeaderDictionary headers, string name, bool traced, DateTimeOffset start);

    /// <summary>Starts a child span (the router's upstream span).</summary>
    TraceSpan StartChildSpan(TraceSpan parent, string name, DateTimeOffset start);

    /// <summary>Writes <paramref name="span"/>'s context into the upstream request's headers.</summary>
    void Inject(TraceSpan span, IHeaderDictionary headers);
}
