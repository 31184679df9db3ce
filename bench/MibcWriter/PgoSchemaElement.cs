using System.Globalization;

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

    // The low nibble of the kind: how an entry is stored.
    public const int FourByte = 1;
    public const int EightByte = 2;
    public const int TypeHandle = 3;
    public const int MethodHandle = 4;

    /// <summary>How an entry is stored: 0 none, or one of the constants above.</summary>
    public int Marshal => Kind & 0xF;

    /// <summary>A count entry (<see cref="FourByte"/> or <see cref="EightByte"/>) as a number; the runtime prints an
    /// eight-byte one as its two 32-bit halves, low first.</summary>
    public ulong Number(int index)
    {
        var entry = Entries[index];
        if (Marshal == FourByte) return ulong.Parse(entry, CultureInfo.InvariantCulture);
        var halves = entry.Split(' ');
        return uint.Parse(halves[0], CultureInfo.InvariantCulture) | ((ulong)uint.Parse(halves[1], CultureInfo.InvariantCulture) << 32);
    }

    /// <summary>A count printed back as the runtime prints it (a four-byte one saturating).</summary>
    public string Text(ulong value) => Marshal == FourByte
        ? Math.Min(value, uint.MaxValue).ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{(uint)value} {(uint)(value >> 32)}");
}
