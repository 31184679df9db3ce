using Gateway.Clusters.Configuration;
using YamlDotNet.RepresentationModel;

namespace Gateway.Filters.Compression;

/// <summary>
/// Reads compressor_library / decompressor_library (a TypedExtensionConfig holding Envoy's gzip, brotli
/// or zstd message). Knobs of zlib/brotli/zstd that .NET does not expose (memory level, window bits,
/// chunk size, strategies) are accepted: they tune memory and ratio, not what the client receives.
/// </summary>
internal static class CompressionLibraryReader
{
    public const string TypedExtensionConfigType = "envoy.config.core.v3.TypedExtensionConfig";
    public const string GzipCompressorType = "envoy.extensions.compression.gzip.compressor.v3.Gzip";
    public const string BrotliCompressorType = "envoy.extensions.compression.brotli.compressor.v3.Brotli";
    public const string ZstdCompressorType = "envoy.extensions.compression.zstd.compressor.v3.Zstd";
    public const string GzipDecompressorType = "envoy.extensions.compression.gzip.decompressor.v3.Gzip";
    public const string BrotliDecompressorType = "envoy.extensions.compression.brotli.decompressor.v3.Brotli";
    public const string ZstdDecompressorType = "envoy.extensions.compression.zstd.decompressor.v3.Zstd";

    /// <summary>Reads <paramref name="field"/> of <paramref name="owner"/>; null (after an error) when missing or unknown.</summary>
    public static CompressionLibraryConfig? Read(MessageReader owner, string field, string filterName, bool compressor)
    {
        var library = owner.Message(field, TypedExtensionConfigType);
        if (library is null)
        {
            owner.Context.Error(owner.Join(field), owner.Mark,
                $"{FilterKind(compressor)} '{filterName}': {field} is required (Envoy: \"value is required\"); give it a name and a typed_config of " +
                (compressor ? $"{GzipCompressorType}, {BrotliCompressorType} or {ZstdCompressorType}" : $"{GzipDecompressorType}, {BrotliDecompressorType} or {ZstdDecompressorType}"));
            return null;
        }

        var name = library.String("name") ?? "";
        var typed = library.Any("typed_config");
        library.Finish();
        if (typed is null)
        {
            if (!library.Has("typed_config"))
            {
                owner.Context.Error(library.Join("typed_config"), library.Mark, $"{FilterKind(compressor)} '{filterName}': {field}.typed_config is required");
            }

            return null;
        }

        var reader = typed.Reader;
        CompressionLibraryConfig? result = (typed.TypeName, compressor) switch
        {
            (GzipCompressorType, true) => ReadGzip(reader, name),
            (BrotliCompressorType, true) => ReadBrotli(reader, name),
            (ZstdCompressorType, true) => ReadZstd(reader, name),
            (GzipDecompressorType, false) => ReadGzipDecompressor(reader, name),
            (BrotliDecompressorType, false) => ReadBrotliDecompressor(reader, name),
            (ZstdDecompressorType, false) => ReadZstdDecompressor(reader, name),
            _ => null,
        };

        if (result is null)
        {
            foreach (var f in reader.FieldNames.ToArray())
            {
                reader.Accept(f);
            }

            owner.Context.Error(reader.Path, reader.Mark,
                $"{FilterKind(compressor)} '{filterName}': {field} type {typed.TypeName} is not a {(compressor ? "compressor" : "decompressor")} library this gateway has; use " +
                (compressor ? $"{GzipCompressorType}, {BrotliCompressorType} or {ZstdCompressorType}" : $"{GzipDecompressorType}, {BrotliDecompressorType} or {ZstdDecompressorType}"));
        }

        reader.Finish();
        return result;
    }

    private static string FilterKind(bool compressor) => compressor ? "compressor filter" : "decompressor filter";

    private static CompressionLibraryConfig ReadGzip(MessageReader gzip, string name)
    {
        gzip.Integer("memory_level", 1, 9);
        gzip.Integer("window_bits", 9, 15);
        gzip.Integer("chunk_size", 4096, 65536);
        gzip.Accept("compression_strategy");
        var level = -1;
        var mark = gzip.MarkOf("compression_level");
        if (gzip.Take("compression_level") is YamlScalarNode { Value: { } text })
        {
            level = text.ToUpperInvariant() switch
            {
                "DEFAULT_COMPRESSION" => -1,
                "BEST_SPEED" => 1,
                "BEST_COMPRESSION" => 9,
                var t when t.StartsWith("COMPRESSION_LEVEL_", StringComparison.Ordinal) && t.Length == 19 && t[18] is >= '1' and <= '9' => t[18] - '0',
                _ => int.MinValue,
            };
            if (level == int.MinValue)
            {
                gzip.Context.Error(gzip.Join("compression_level"), mark,
                    $"invalid value '{text}' for enum {GzipCompressorType}.CompressionLevel; expected DEFAULT_COMPRESSION, BEST_SPEED, BEST_COMPRESSION or COMPRESSION_LEVEL_1 .. COMPRESSION_LEVEL_9");
                level = -1;
            }
        }

        // zlib's Z_DEFAULT_COMPRESSION is level 6.
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Gzip, level < 0 ? 6 : level);
    }

    private static CompressionLibraryConfig ReadBrotli(MessageReader brotli, string name)
    {
        var quality = brotli.Integer("quality", 0, 11) ?? 3;
        brotli.Integer("window_bits", 10, 24);
        brotli.Integer("input_block_bits", 16, 24);
        brotli.Integer("chunk_size", 4096, 65536);
        brotli.Accept("encoder_mode");
        brotli.Accept("disable_literal_context_modeling");
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Brotli, (int)quality);
    }

    private static CompressionLibraryConfig ReadZstd(MessageReader zstd, string name)
    {
        var level = zstd.Integer("compression_level", 0, 22) ?? 3;
        var checksum = zstd.Bool("enable_checksum");
        zstd.Integer("chunk_size", 4096, 65536);
        zstd.Accept("strategy");
        zstd.Unsupported("dictionary", "zstd dictionaries are not loaded by this gateway; remove dictionary");
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Zstd, level == 0 ? 3 : (int)level, checksum);
    }

    private static CompressionLibraryConfig ReadGzipDecompressor(MessageReader gzip, string name)
    {
        gzip.Integer("window_bits", 9, 15);
        gzip.Integer("chunk_size", 4096, 65536);
        gzip.Integer("max_inflate_ratio", 1, 1032);
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Gzip, 0);
    }

    private static CompressionLibraryConfig ReadBrotliDecompressor(MessageReader brotli, string name)
    {
        brotli.Accept("disable_ring_buffer_reallocation");
        brotli.Integer("chunk_size", 4096, 65536);
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Brotli, 0);
    }

    private static CompressionLibraryConfig ReadZstdDecompressor(MessageReader zstd, string name)
    {
        zstd.Integer("chunk_size", 4096, 65536);
        zstd.Unsupported("dictionaries", "zstd dictionaries are not loaded by this gateway; remove dictionaries");
        return new CompressionLibraryConfig(name, CompressionAlgorithm.Zstd, 0);
    }
}
