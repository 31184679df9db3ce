namespace Gateway.Tracing;

/// <summary>
/// A span context as it travels in headers: 128-bit trace id (high half 0 for a 64-bit B3 id), the
/// span id, its parent (0: none) and the sampling decision when the sender made one.
/// </summary>
internal readonly record struct TraceContext(ulong TraceHigh, ulong TraceLow, ulong SpanId, ulong ParentSpanId, bool? Sampled)
{
    public bool IsValid => (TraceHigh != 0 || TraceLow != 0) && SpanId != 0;

    /// <summary>The trace id as hex: 32 digits, or 16 for a 64-bit id when <paramref name="allow64"/>.</summary>
    public string TraceIdHex(bool allow64) =>
        allow64 && TraceHigh == 0 ? TraceLow.ToString("x16") : TraceHigh.ToString("x16") + TraceLow.ToString("x16");

    public static ulong NewId()
    {
        ulong id;
        do
        {
            id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (id == 0);
        return id;
    }
}
