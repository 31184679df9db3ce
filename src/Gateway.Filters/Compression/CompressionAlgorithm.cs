namespace Gateway.Filters.Compression;

/// <summary>The compression libraries Envoy ships for the compressor and decompressor filters.</summary>
public enum CompressionAlgorithm
{
    Gzip,
    Brotli,
    Zstd,
}
