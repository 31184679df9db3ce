namespace MibcWriter;

/// <summary>
/// One record of a method's instrumentation schema as the runtime prints it: the kind (the runtime's
/// PgoInstrumentationKind: block or edge count, type-histogram count, type or method handle table), where in the IL
/// it was taken, how many entries it has and the kind-specific word, with the entries as printed.
/// </summary>
internal sealed record PgoSchemaElement(int Kind, int ILOffset, int Count, int Other, IReadOnlyList<string> Entries)
{
    /// <summary>The kind of the call count that heads a call site's type (or method) table.</summary>
    public const int TypeHistogramCountKind = 0xB1;

    /// <summary>The low nibble of the kind: how an entry is stored (0 none, 1 four bytes, 2 eight, 3 type, 4 method).</summary>
    public int Marshal => Kind & 0xF;
}
