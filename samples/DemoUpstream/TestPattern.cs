namespace DemoUpstream;

/// <summary>
/// Deterministic pseudo-random bytes (xorshift32) for /bytes and /stream-bytes: looks random
/// enough to defeat compression, yet tests can regenerate and compare the exact payload.
/// </summary>
public struct TestPattern
{
    private uint _state;

    public TestPattern(int seed)
    {
        // xorshift must never hold 0, so mix the seed with a non-zero constant.
        _state = (uint)seed ^ 0x9E3779B9u;
        if (_state == 0)
        {
            _state = 0x9E3779B9u;
        }
    }

    public void Fill(Span<byte> destination)
    {
        var x = _state;
        for (var i = 0; i < destination.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            destination[i] = (byte)x;
        }

        _state = x;
    }

    /// <summary>The exact payload <c>/bytes/{count}?seed={seed}</c> returns.</summary>
    public static byte[] Generate(int count, int seed = 0)
    {
        var bytes = new byte[count];
        new TestPattern(seed).Fill(bytes);
        return bytes;
    }
}
