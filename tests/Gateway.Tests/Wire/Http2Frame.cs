using System.Buffers.Binary;

namespace Gateway.Tests.Wire;

/// <summary>One HTTP/2 frame as read off the wire.</summary>
public sealed record Http2Frame(byte Type, byte Flags, int StreamId, byte[] Payload)
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7, WindowUpdate = 0x8;

    /// <summary>The parameters of a SETTINGS frame, by identifier.</summary>
    public Dictionary<int, uint> SettingsValues()
    {
        var values = new Dictionary<int, uint>();
        for (var i = 0; i + 6 <= Payload.Length; i += 6)
        {
            values[BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(i + 2));
        }

        return values;
    }

    /// <summary>A GOAWAY's or RST_STREAM's error code.</summary>
    public uint ErrorCode => Type == GoAway ? BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)) : BinaryPrimitives.ReadUInt32BigEndian(Payload);
}
