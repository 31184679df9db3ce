using Gateway.Clusters.Runtime;
using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters.Compression;

namespace Gateway.Filters.Compressor;

/// <summary>
/// envoy.filters.http.compressor: compresses response (and, when configured, request) bodies with gzip,
/// brotli or zstd, choosing by the client's accept-encoding among all compressor filters of the chain.
/// </summary>
public sealed class CompressorFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.compressor.v3.Compressor";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.compressor.v3.CompressorPerRoute";

    private const string CommonDirectionType = TypeName + ".CommonDirectionConfig";

    public bool CanParse(string typeName) => typeName == TypeName;

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var library = CompressionLibraryReader.Read(reader, "compressor_library", filterName, compressor: true);
        var chooseFirst = reader.Bool("choose_first");

        // The deprecated top-level fields apply only when response_direction_config is absent, as in Envoy.
        var legacyLength = reader.Integer("content_length", 0, uint.MaxValue);
        var legacyTypes = reader.Strings("content_type");
        var legacyEtag = reader.Bool("disable_on_etag_header");
        var legacyRemove = reader.Bool("remove_accept_encoding_header");
        var legacyEnabled = RuntimeConfigReader.ReadRuntimeFeatureFlag(reader, "runtime_enabled") ?? RuntimeFeatureFlagConfig.AlwaysOn;

        CompressorDirectionConfig? request = null;
        if (reader.Message("request_direction_config", TypeName + ".RequestDirectionConfig") is { } requestConfig)
        {
            request = ReadCommon(requestConfig);
            requestConfig.Finish();
        }

        CompressorDirectionConfig response;
        bool etag, remove, underResponse;
        if (reader.Message("response_direction_config", TypeName + ".ResponseDirectionConfig") is { } responseConfig)
        {
            response = ReadCommon(responseConfig);
            etag = responseConfig.Bool("disable_on_etag_header");
            remove = responseConfig.Bool("remove_accept_encoding_header");
            if (responseConfig.Has("uncompressible_response_codes"))
            {
                responseConfig.Unsupported("uncompressible_response_codes", "remove it; every status is compressed here");
            }

            responseConfig.Finish();
            underResponse = true;
        }
        else
        {
            response = new CompressorDirectionConfig(legacyEnabled, legacyLength is > 0 ? legacyLength.Value : CompressorDirectionConfig.DefaultMinContentLength, TypeSet(legacyTypes));
            etag = legacyEtag;
            remove = legacyRemove;
            underResponse = false;
        }

        return library is null ? null : new CompressorSettings(filterName, library, request, response, underResponse, etag, remove, chooseFirst);
    }

    private static CompressorDirectionConfig ReadCommon(MessageReader direction)
    {
        var common = direction.Message("common_config", CommonDirectionType);
        if (common is null)
        {
            return new CompressorDirectionConfig(RuntimeFeatureFlagConfig.AlwaysOn, CompressorDirectionConfig.DefaultMinContentLength, CompressorDirectionConfig.DefaultContentTypes);
        }

        var enabled = RuntimeConfigReader.ReadRuntimeFeatureFlag(common, "enabled") ?? RuntimeFeatureFlagConfig.AlwaysOn;
        var length = common.Integer("min_content_length", 0, uint.MaxValue);
        var types = common.Strings("content_type");
        common.Finish();
        return new CompressorDirectionConfig(enabled, length is > 0 ? length.Value : CompressorDirectionConfig.DefaultMinContentLength, TypeSet(types));
    }

    private static IReadOnlySet<string> TypeSet(IReadOnlyList<string> types) =>
        types.Count == 0 ? CompressorDirectionConfig.DefaultContentTypes : new HashSet<string>(types, StringComparer.OrdinalIgnoreCase);

    public object? ParsePerRoute(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var hasDisabled = reader.Has("disabled");
        var disabled = reader.Bool("disabled");
        var overrides = reader.Message("overrides", TypeName.Replace(".Compressor", ".CompressorOverrides", StringComparison.Ordinal));
        if (hasDisabled && overrides is not null)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"CompressorPerRoute for '{filterName}': set either disabled or overrides, not both (they are a oneof)");
        }

        if (overrides is not null)
        {
            bool? enabled = null;
            bool? remove = null;
            if (overrides.Message("response_direction_config", TypeName.Replace(".Compressor", ".ResponseDirectionOverrides", StringComparison.Ordinal)) is { } response)
            {
                // Envoy: the presence of response_direction_config enables response compression.
                enabled = true;
                if (response.Has("remove_accept_encoding_header"))
                {
                    remove = response.Bool("remove_accept_encoding_header");
                }

                response.Finish();
            }

            overrides.Finish();
            return new CompressorPerRouteSettings(enabled, remove);
        }

        if (!hasDisabled)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"CompressorPerRoute for '{filterName}': one of disabled or overrides is required (Envoy: \"value is required\")");
            return null;
        }

        if (!disabled)
        {
            reader.Context.Error(reader.Join("disabled"), reader.MarkOf("disabled"), $"CompressorPerRoute for '{filterName}': disabled must be true (Envoy: \"value must equal true\"); remove the entry to keep the filter's settings");
            return null;
        }

        return new CompressorPerRouteSettings(false, null);
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is CompressorSettings settings
            ? new CompressorFilter(settings, config.StatPrefix, services.GetService(typeof(IRuntime)) as IRuntime)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(CompressorFilterFactory)}.");
}
