using System.Buffers.Binary;
using System.Text;

namespace Gateway.Tests.Packaging;

/// <summary>
/// The function symbols (name, address, size) of a 64-bit little-endian ELF file's .symtab, e.g. the Gateway.dbg
/// a Native AOT publish leaves beside the binary. Enough of ELF for the layout test, nothing more.
/// </summary>
internal static class ElfSymbolTable
{
    private const int SymtabType = 2;
    private const int FunctionType = 2;

    public static Dictionary<string, (ulong Address, ulong Size)> ReadFunctions(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (!elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"{path}: not a 64-bit little-endian ELF file");
        }

        var sectionsAt = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        var sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        var functions = new Dictionary<string, (ulong, ulong)>(StringComparer.Ordinal);
        for (var i = 0; i < sectionCount; i++)
        {
            var section = elf.AsSpan(sectionsAt + i * sectionSize, sectionSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(section[4..]) != SymtabType)
            {
                continue;
            }

            var symbolsAt = (int)BinaryPrimitives.ReadUInt64LittleEndian(section[0x18..]);
            var symbolsSize = (int)BinaryPrimitives.ReadUInt64LittleEndian(section[0x20..]);
            var strings = elf.AsSpan(sectionsAt + (int)BinaryPrimitives.ReadUInt32LittleEndian(section[0x28..]) * sectionSize, sectionSize);
            var stringsAt = (int)BinaryPrimitives.ReadUInt64LittleEndian(strings[0x18..]);
            for (var at = symbolsAt; at + 24 <= symbolsAt + symbolsSize; at += 24)
            {
                var symbol = elf.AsSpan(at, 24);
                if ((symbol[4] & 0xF) != FunctionType)
                {
                    continue;
                }

                var nameAt = stringsAt + (int)BinaryPrimitives.ReadUInt32LittleEndian(symbol);
                var name = Encoding.UTF8.GetString(elf.AsSpan(nameAt, elf.AsSpan(nameAt).IndexOf((byte)0)));
                functions.TryAdd(name, (BinaryPrimitives.ReadUInt64LittleEndian(symbol[8..]), BinaryPrimitives.ReadUInt64LittleEndian(symbol[16..])));
            }
        }

        return functions;
    }
}
