using Gateway.Filters.Compression;

namespace Gateway.Filters.Compressor;

/// <summary>envoy.extensions.filters.http.compressor.v3.Compressor, validated.</summary>
/// <param name="Request">Request compression; null unless request_direction_config is set (Envoy compresses requests only then).</param>
/// <param name="ResponseStatsUnderResponse">True when response_direction_config is set: the common response stats are then under <c>response.</c>.</param>
public sealed record CompressorSettings(
    string FilterName,
    CompressionLibraryConfig Library,
    CompressorDirectionConfig? Request,
    CompressorDirectionConfig Response,
    bool ResponseStatsUnderResponse,
    bool DisableOnEtagHeader,
    bool RemoveAcceptEncodingHeader,
    bool ChooseFirst);
