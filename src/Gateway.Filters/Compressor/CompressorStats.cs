namespace Gateway.Filters.Compressor;

/// <summary>Envoy's COMMON_COMPRESSOR_STATS for one direction (public fields: counters bumped with Interlocked).</summary>
public sealed class CompressorDirectionStats
{
    public long Compressed;
    public long NotCompressed;
    public long TotalUncompressedBytes;
    public long TotalCompressedBytes;
    public long ContentLengthTooSmall;

    public void Report(HttpFilterStatsWriter writer, string prefix)
    {
        writer.Counter(prefix + "compressed", ref Compressed);
        writer.Counter(prefix + "not_compressed", ref NotCompressed);
        writer.Counter(prefix + "total_uncompressed_bytes", ref TotalUncompressedBytes);
        writer.Counter(prefix + "total_compressed_bytes", ref TotalCompressedBytes);
        writer.Counter(prefix + "content_length_too_small", ref ContentLengthTooSmall);
    }
}
