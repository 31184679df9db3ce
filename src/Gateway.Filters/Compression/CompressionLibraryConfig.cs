namespace Gateway.Filters.Compression;

/// <summary>
/// A compressor_library / decompressor_library (envoy.config.core.v3.TypedExtensionConfig), validated.
/// </summary>
/// <param name="Name">The extension's name: part of the filter's stat names.</param>
/// <param name="Level">gzip: zlib level 0-9 (-1 default); brotli: quality 0-11; zstd: level.</param>
/// <param name="ZstdChecksum">zstd enable_checksum.</param>
public sealed record CompressionLibraryConfig(string Name, CompressionAlgorithm Algorithm, int Level, bool ZstdChecksum = false)
{
    /// <summary>The content-coding it produces or reads: gzip, br, zstd.</summary>
    public string ContentEncoding => Algorithm switch
    {
        CompressionAlgorithm.Gzip => "gzip",
        CompressionAlgorithm.Brotli => "br",
        _ => "zstd",
    };

    /// <summary>The library's own stats prefix (Envoy's statsPrefix()): gzip, brotli, zstd.</summary>
    public string StatsName => Algorithm switch
    {
        CompressionAlgorithm.Gzip => "gzip",
        CompressionAlgorithm.Brotli => "brotli",
        _ => "zstd",
    };
}
