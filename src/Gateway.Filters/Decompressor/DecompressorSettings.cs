using Gateway.Filters.Compression;

namespace Gateway.Filters.Decompressor;

/// <summary>envoy.extensions.filters.http.decompressor.v3.Decompressor, validated.</summary>
/// <param name="AdvertiseAcceptEncoding">request_direction_config.advertise_accept_encoding (default true): add the coding to the request's accept-encoding while response decompression is on.</param>
public sealed record DecompressorSettings(
    string FilterName,
    CompressionLibraryConfig Library,
    DecompressorDirectionConfig Request,
    DecompressorDirectionConfig Response,
    bool AdvertiseAcceptEncoding);
