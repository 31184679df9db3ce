using Gateway.Clusters.Runtime;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters.Compression;

namespace Gateway.Filters.Decompressor;

/// <summary>envoy.filters.http.decompressor: inflates gzip, brotli or zstd request and response bodies.</summary>
public sealed class DecompressorFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.decompressor.v3.Decompressor";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var library = CompressionLibraryReader.Read(reader, "decompressor_library", filterName, compressor: false);
        var request = new DecompressorDirectionConfig(RuntimeFeatureFlagConfig.AlwaysOn, false);
        var advertise = true;
        if (reader.Message("request_direction_config", TypeName + ".RequestDirectionConfig") is { } requestConfig)
        {
            request = ReadCommon(requestConfig);
            advertise = requestConfig.Bool("advertise_accept_encoding", true);
            requestConfig.Finish();
        }

        var response = new DecompressorDirectionConfig(RuntimeFeatureFlagConfig.AlwaysOn, false);
        if (reader.Message("response_direction_config", TypeName + ".ResponseDirectionConfig") is { } responseConfig)
        {
            response = ReadCommon(responseConfig);
            responseConfig.Finish();
        }

        return library is null ? null : new DecompressorSettings(filterName, library, request, response, advertise);
    }

    private static DecompressorDirectionConfig ReadCommon(MessageReader direction)
    {
        var common = direction.Message("common_config", TypeName + ".CommonDirectionConfig");
        if (common is null)
        {
            return new DecompressorDirectionConfig(RuntimeFeatureFlagConfig.AlwaysOn, false);
        }

        var enabled = RuntimeConfigReader.ReadRuntimeFeatureFlag(common, "enabled") ?? RuntimeFeatureFlagConfig.AlwaysOn;
        var ignoreNoTransform = common.Bool("ignore_no_transform_header");
        common.Finish();
        return new DecompressorDirectionConfig(enabled, ignoreNoTransform);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is DecompressorSettings settings
            ? new DecompressorFilter(settings, config.StatPrefix, services.GetService(typeof(IRuntime)) as IRuntime)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(DecompressorFilterFactory)}.");
}
