namespace Gateway.Filters.Decompressor;

/// <summary>Envoy's decompressor direction stats (request. / response.).</summary>
public sealed class DecompressorStats
{
    public long Decompressed;
    public long NotDecompressed;
    public long TotalUncompressedBytes;
    public long TotalCompressedBytes;
    public long DecompressionError;

    public void Report(HttpFilterStatsWriter writer, string prefix)
    {
        writer.Counter(prefix + "decompressed", ref Decompressed);
        writer.Counter(prefix + "not_decompressed", ref NotDecompressed);
        writer.Counter(prefix + "total_uncompressed_bytes", ref TotalUncompressedBytes);
        writer.Counter(prefix + "total_compressed_bytes", ref TotalCompressedBytes);
        writer.Counter(prefix + "decompression_error", ref DecompressionError);
    }
}
