namespace Gateway.Proxy;

/// <summary>
/// The x-request-id the gateway generates: a random (version 4, RFC 4122 variant) UUID in lowercase
/// 8-4-4-4-12 form, as Envoy's. Like Envoy's RandomGeneratorImpl::uuid it takes its random bytes from a
/// per-thread buffer refilled from the kernel's cryptographic generator in blocks (<see cref="KernelRandom"/>), instead of one read of the
/// kernel's random source per request (which <see cref="Guid.NewGuid"/> does on Linux).
/// </summary>
public static class RequestIdGenerator
{
    /// <summary>UUIDs per refill: one getrandom call per 256 requests on a thread, 4 KiB per thread.</summary>
    private const int UuidsPerRefill = 256;

    [ThreadStatic]
    private static byte[]? _buffer;

    [ThreadStatic]
    private static int _next;

    /// <summary>A new random v4 UUID string, e.g. <c>3e5a4c1f-9b0e-4d2a-8f6c-1a2b3c4d5e6f</c>.</summary>
    public static string NewId() => NewUuid().ToString();

    /// <summary>A new random v4 UUID.</summary>
    public static Guid NewUuid()
    {
        var buffer = _buffer;
        if (buffer is null || _next == buffer.Length)
        {
            buffer ??= _buffer = new byte[16 * UuidsPerRefill];
            KernelRandom.Fill(buffer);
            _next = 0;
        }

        var bytes = buffer.AsSpan(_next, 16);
        _next += 16;
        // RFC 4122 4.4, in the big-endian byte order the text form is read in: version 4 in the high
        // nibble of octet 6, variant 10xx in the high bits of octet 8.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var uuid = new Guid(bytes, bigEndian: true);
        // Used bytes do not stay behind in memory for a later reader of the buffer.
        bytes.Clear();
        return uuid;
    }
}
