namespace Gateway.Tracing;

/// <summary>
/// One span of one request (the server span, or the router's child span per upstream request). Tags
/// are recorded only when the span is sampled; an unsampled span still has ids to propagate.
/// </summary>
internal abstract class TraceSpan
{
    /// <summary>The ids this span propagates (its own span id, its trace, its parent).</summary>
    public abstract TraceContext Context { get; }

    public abstract bool Sampled { get; }

    public abstract void SetTag(string name, string value);

    /// <summary>Ends the span (exports it when sampled). Call once.</summary>
    public abstract void Finish();
}
