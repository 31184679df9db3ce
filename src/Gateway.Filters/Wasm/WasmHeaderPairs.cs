using System.Buffers.Binary;
using System.Text;

namespace Gateway.Filters.Wasm;

/// <summary>
/// proxy-wasm's serialized header map: a u32 count, then a (u32 name length, u32 value length) per
/// pair, then each name and value followed by a NUL byte. Little-endian, as wasm memory is.
/// </summary>
internal static class WasmHeaderPairs
{
    public static byte[] Serialize(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var size = 4;
        foreach (var (name, value) in pairs)
        {
            size += 8 + Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value) + 2;
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)pairs.Count);
        var lengths = 4;
        var data = 4 + (8 * pairs.Count);
        foreach (var (name, value) in pairs)
        {
            var n = Encoding.UTF8.GetBytes(name, span[data..]);
            span[data + n] = 0;
            data += n + 1;
            var v = Encoding.UTF8.GetBytes(value, span[data..]);
            span[data + v] = 0;
            data += v + 1;
            BinaryPrimitives.WriteUInt32LittleEndian(span[lengths..], (uint)n);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(lengths + 4)..], (uint)v);
            lengths += 8;
        }

        return bytes;
    }

    /// <summary>Parses a serialized map; false when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out List<KeyValuePair<string, string>> pairs)
    {
        pairs = [];
        if (bytes.Length == 0)
        {
            return true;
        }

        if (bytes.Length < 4)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (count > (uint)(bytes.Length - 4) / 8)
        {
            return false;
        }

        var data = 4 + ((int)count * 8);
        for (var i = 0; i < count; i++)
        {
            var n = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 + (i * 8))..]);
            var v = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(8 + (i * 8))..]);
            if ((ulong)data + n + v + 2 > (ulong)bytes.Length)
            {
                return false;
            }

            var name = Encoding.UTF8.GetString(bytes.Slice(data, (int)n));
            data += (int)n + 1;
            var value = Encoding.UTF8.GetString(bytes.Slice(data, (int)v));
            data += (int)v + 1;
            pairs.Add(new(name, value));
        }

        return true;
    }
}
