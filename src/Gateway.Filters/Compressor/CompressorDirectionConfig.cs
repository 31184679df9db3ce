using Gateway.Clusters.Model;

namespace Gateway.Filters.Compressor;

/// <summary>Compressor.CommonDirectionConfig, validated (Envoy's DirectionConfig).</summary>
/// <param name="Enabled">common_config.enabled (a RuntimeFeatureFlag; on, with no runtime key, when absent).</param>
/// <param name="MinContentLength">A body with a smaller content-length is not compressed (Envoy's default 30).</param>
/// <param name="ContentTypes">Lower-cased media types compressed; Envoy's default list when none is configured.</param>
public sealed record CompressorDirectionConfig(RuntimeFeatureFlagConfig Enabled, long MinContentLength, IReadOnlySet<string> ContentTypes)
{
    public const long DefaultMinContentLength = 30;

    /// <summary>Envoy's default content types (compressor_filter.cc defaultContentEncoding()).</summary>
    public static readonly IReadOnlySet<string> DefaultContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "text/html", "text/plain", "text/css", "application/javascript", "application/x-javascript", "text/javascript",
        "text/x-javascript", "text/ecmascript", "text/js", "text/jscript", "text/x-js", "application/ecmascript",
        "application/x-json", "application/xml", "application/json", "image/svg+xml", "text/xml",
        "application/xhtml+xml", "application/grpc-web", "application/grpc-web+proto",
    };
}
